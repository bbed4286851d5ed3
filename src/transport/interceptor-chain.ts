// How interceptors compose, the same on both ends (an interceptor wraps `next`; the first listed
// runs first, outermost): the one composer the server and the client chains are built with.

/** Composes interceptors around `innermost`; the first interceptor runs first. */
export function composeInterceptors<Next>(
  interceptors: readonly ((next: Next) => Next)[],
  innermost: Next,
): Next {
  let next = innermost;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next);
  return next;
}
