// handwire's Kafka side as a library: the embedded broker (the wire protocol lives in ./protocol).

export {
  type KafkaBroker,
  type KafkaBrokerOptions,
  startKafkaBroker,
} from './broker/kafka-broker.js';
export { OFFER_EVENTS_TOPIC, offerEventJson } from './broker/offer-events-topic.js';
