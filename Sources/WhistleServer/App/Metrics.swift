import Metrics
import Prometheus
import Synchronization

/// The process's Prometheus registry, installed as the metrics backend once (swift-metrics allows one
/// bootstrap per process; tests build many applications).
enum WhistleMetrics {
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    static var registry: PrometheusCollectorRegistry {
        installed.withLock { registry in
            if let registry { return registry }
            let created = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: created))
            registry = created
            return created
        }
    }
}
