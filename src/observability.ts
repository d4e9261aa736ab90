/**
 * Names that the functions, the alarms and the logs share, declared once: the logger's service name,
 * the metrics' namespace and service dimension, and the alarms that watch those metrics.
 */
export const observability = {
  serviceName: 'operator-bridge',
  metricsNamespace: 'OperatorBridge',
} as const;
