// offers.v1.OfferService (proto/offers.proto): the four methods and their codecs, shared by the
// server implementation and by clients (the `handwire migrate` command uses it with our client).

import { method } from '../../transport/service-definition.js';
import {
  GetUserOfferRequestCodec,
  MigrationReportCodec,
  MigrationRowCodec,
  OfferEventCodec,
  SetUserOfferRequestCodec,
  UserOfferCodec,
  WatchOfferEventsRequestCodec,
} from '../../wire/messages/offers.js';

const SERVICE = 'offers.v1.OfferService';

export const OfferServiceDefinition = {
  name: SERVICE,
  methods: {
    SetUserOffer: method(
      SERVICE,
      'SetUserOffer',
      'unary',
      SetUserOfferRequestCodec,
      UserOfferCodec,
    ),
    GetUserOffer: method(
      SERVICE,
      'GetUserOffer',
      'unary',
      GetUserOfferRequestCodec,
      UserOfferCodec,
    ),
    MigrateOffers: method(
      SERVICE,
      'MigrateOffers',
      'clientStreaming',
      MigrationRowCodec,
      MigrationReportCodec,
    ),
    WatchOfferEvents: method(
      SERVICE,
      'WatchOfferEvents',
      'serverStreaming',
      WatchOfferEventsRequestCodec,
      OfferEventCodec,
    ),
  },
} as const;
