/**
 * Names that the functions, the alarms and the logs share, declared once: the logger's service name,
 * the metrics' namespace and service dimension, and the alarms that watch those metrics.
 */
export const observability = {
  serviceName: 'operator-bridge',
  metricsNamespace: 'OperatorBridge',
} as const;

/**
 * One count as a CloudWatch embedded-metric-format line (what Powertools' `Metrics` writes, without
 * its 10 KiB in every bundle that publishes): CloudWatch Logs makes the metric of it, dimensioned by
 * `service`, as the alarms read it. Written to stdout itself, not through `console.log`, which Lambda
 * prefixes with a timestamp and request id: EMF needs the JSON object alone on its line.
 */
export function publishCount(name: string, value: number): void {
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: observability.metricsNamespace,
          Dimensions: [['service']],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    service: observability.serviceName,
    [name]: value,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
