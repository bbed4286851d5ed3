// What went wrong talking to an external Kafka cluster, for the publisher and the replica alike: a
// label and a sentence. The label is the Kafka protocol error name (kafka.apache.org/protocol
// "Error Codes") when the cluster answered with one, else what the client met on the way (the
// connection, a timeout).
//
// @platformatic/kafka reports a failed call as a tree: a MultipleErrors listing each attempt (its
// retries), a ResponseError listing each partition's ProtocolError, a NetworkError wrapping the
// socket's error as its cause. The leaf that was met last says best what is wrong now.

/** An error as the metrics count it and the log prints it. */
export interface KafkaFailure {
  /** The Kafka error name (NOT_LEADER_OR_FOLLOWER, …), or NETWORK_EXCEPTION / REQUEST_TIMED_OUT. */
  readonly code: string;
  /** One line for the log and the health state: what failed, in the deepest error's words. */
  readonly message: string;
}

interface ErrorTree {
  message?: string;
  code?: string;
  /** A ProtocolError's Kafka error name. */
  apiId?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** The last leaf of the tree: the error met last, the deepest reason. */
function lastLeaf(error: unknown, depth = 0): ErrorTree {
  const node = (typeof error === 'object' && error !== null ? error : {}) as ErrorTree;
  if (depth > 8) return node;
  if (typeof node.apiId === 'string') return node;
  const children = Array.isArray(node.errors) ? node.errors : [];
  if (children.length > 0) return lastLeaf(children[children.length - 1], depth + 1);
  if (node.cause !== undefined && node.cause !== null) {
    const deeper = lastLeaf(node.cause, depth + 1);
    // A NetworkError's own message ("Connection to 127.0.0.1:9 failed.") names the broker; keep it
    // and add the socket's reason (ECONNREFUSED) after it.
    return { ...node, message: `${node.message ?? ''} ${deeper.message ?? ''}`.trim() };
  }
  return node;
}

/** The error's code label and its sentence. */
export function describeKafkaError(error: unknown): KafkaFailure {
  const leaf = lastLeaf(error);
  const message = (leaf.message ?? String(error)).replace(/\s+/g, ' ').trim();
  if (typeof leaf.apiId === 'string')
    return { code: leaf.apiId, message: `${leaf.apiId}: ${message}` };
  switch (leaf.code) {
    case 'PLT_KFK_NETWORK':
      return { code: 'NETWORK_EXCEPTION', message };
    case 'PLT_KFK_TIMEOUT':
      return { code: 'REQUEST_TIMED_OUT', message };
    case 'PLT_KFK_USER':
      // The client answers a Metadata request's UNKNOWN_TOPIC_OR_PARTITION (3) with a UserError
      // of its own, "Unknown topic <name>.", that no longer carries the code.
      if (message.startsWith('Unknown topic '))
        return { code: 'UNKNOWN_TOPIC_OR_PARTITION', message };
      return { code: 'CLIENT_ERROR', message };
    default:
      // The publisher's own errors (TopicSetupError) carry a code in Kafka's style already.
      if (typeof leaf.code === 'string' && /^[A-Z_]+$/.test(leaf.code))
        return { code: leaf.code, message };
      return { code: 'CLIENT_ERROR', message: message || 'unknown Kafka client error' };
  }
}
