import Foundation
import Jinja

/// fileglob (controller-side glob of regular files) and urldecode.
enum MiscFilters {
    static func install(into env: Environment) {
        env.addFilter("fileglob") { input, _, _ in
            .list(FileLookups.glob(input.text).filter(FileLookups.isRegularFile).map { .string($0) })
        }
        env.addFilter("urldecode") { input, _, _ in
            .string(input.text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? input.text)
        }
        // Ansible's now(utc=False, fmt=None) global: a datetime, or a formatted string.
        env.globals["now"] = .callable(Callable(name: "now") { args, kwargs in
            let a = Arguments("now", args, kwargs)
            let utc = a.bool(0, "utc", default: false)
            let epoch = Date().timeIntervalSince1970
            if let fmt = try a.string(1, "fmt") { return .string(TimeFilters.formatTime(fmt, epoch: epoch, utc: utc, microseconds: true)) }
            let text = TimeFilters.formatTime("%Y-%m-%d %H:%M:%S", epoch: epoch, utc: utc)
            guard let dt = DateTimeObject.parse(text, format: "%Y-%m-%d %H:%M:%S") else { return .string(text) }
            dt.microsecond = Int((epoch - epoch.rounded(.down)) * 1_000_000)
            return .object(dt)
        })
    }
}
