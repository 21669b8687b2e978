import Foundation
import Trace

/// The closing table of `kdp trace --all-paths`: each reachable outcome with its total probability.
enum AllPathsSummary {
    static func text(_ traces: [Trace]) -> String {
        var totals: [(String, Double)] = []
        for trace in traces {
            let outcome: String
            switch trace.outcome {
            case .delivered(let place, let socket, _)?: outcome = "delivered to \(place.netns) \(socket)"
            case .dropped(let place, let reason)?: outcome = "dropped at \(place): \(reason)"
            case nil: outcome = "unknown"
            }
            if let index = totals.firstIndex(where: { $0.0 == outcome }) {
                totals[index].1 += trace.probability ?? 0
            } else {
                totals.append((outcome, trace.probability ?? 0))
            }
        }
        return "# outcomes\n" + totals.map { String(format: "%6.2f%%  ", $0.1 * 100) + $0.0 + "\n" }.joined()
    }
}
