// swift-tools-version:6.0
import PackageDescription

// One module per concern; see README "Layout".
let package = Package(
    name: "swiftplay",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swiftplay", targets: ["swiftplay"]),
        .library(name: "Jinja", targets: ["Jinja"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
    ],
    targets: [
        // Jinja2 engine: no dependency on the rest of swiftplay.
        // Exclusivity is enforced at compile time; the runtime checks cost ~6% of template rendering.
        .target(name: "Jinja", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        // Ansible Vault: the vaulted-data format and the secrets that open it.
        .target(name: "Vault", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // YAML/JSON files to Values, with file:line:column for errors; vaulted files are decrypted here.
        .target(name: "DataLoader", dependencies: ["Jinja", "Yams", "Vault", .product(name: "OrderedCollections", package: "swift-collections")]),
        .target(name: "Inventory", dependencies: ["Jinja", "DataLoader"]),
        .target(name: "Playbook", dependencies: ["Jinja", "DataLoader"]),
        .systemLibrary(name: "CLibSSH", pkgConfig: "libssh", providers: [.apt(["libssh-dev"])]),
        .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        .target(name: "Transport", dependencies: ["CLibSSH"]),
        // Ansible's filters, tests and lookups on top of Jinja.
        .target(name: "Templating", dependencies: ["Jinja", "DataLoader", "Vault", "CCrypt", .product(name: "OrderedCollections", package: "swift-collections")]),
        .target(name: "Output", dependencies: ["Jinja"]),
        .target(name: "Modules", dependencies: [
            "Jinja", "Transport", "Templating", "DataLoader", "Vault", "CCrypt",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        .target(name: "Executor", dependencies: ["Jinja", "DataLoader", "Inventory", "Playbook", "Transport", "Templating", "Modules", "Output"]),
        .executableTarget(name: "swiftplay", dependencies: ["Executor", "Inventory", "Playbook", "Output", "DataLoader", "Jinja", "Modules", "Templating", "Vault", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja"]),
        .testTarget(name: "EngineTests", dependencies: ["Executor", "Inventory", "Playbook", "DataLoader", "Jinja"]),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "DataLoader", "Jinja"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport"]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "DataLoader", "Jinja"]),
        .testTarget(name: "TemplatingTests", dependencies: ["Templating", "Jinja"], exclude: ["oracle"]),
        .testTarget(name: "ModulesTests", dependencies: ["Modules", "Transport", "Jinja"]),
        .testTarget(name: "DockerModulesTests", dependencies: ["Modules", "Transport", "Jinja"]),
        .testTarget(name: "SystemModulesTests", dependencies: ["Modules", "Transport", "Jinja"]),
    ],
    swiftLanguageModes: [.v5]
)
