/**
 * The source of randomness the data path uses (weighted clusters, the RANDOM and LEAST_REQUEST
 * load balancers, reconnect jitter): a number in [0, 1). Tests pass a scripted one.
 */
export type Random = () => number;

export const mathRandom: Random = () => Math.random();
