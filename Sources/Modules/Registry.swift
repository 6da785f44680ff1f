/// All modules by name and alias. Adding a module means adding its type here.
public enum ModuleRegistry {
    public static let all: [Module.Type] = [
        CommandModule.self, ShellModule.self, RawModule.self,
        DebugModule.self, SetFactModule.self, AssertModule.self, FailModule.self, PingModule.self, PauseModule.self,
        AddHostModule.self, GroupByModule.self, SetStatsModule.self,
        SetupModule.self,
        FileModule.self, CopyModule.self, TemplateModule.self,
        LineInFileModule.self, BlockInFileModule.self, ReplaceModule.self,
        StatModule.self, SlurpModule.self, FetchModule.self, TempFileModule.self, FindModule.self,
        IniFileModule.self, UnarchiveModule.self, ArchiveModule.self, AssembleModule.self,
        DockerContainerModule.self, DockerContainerInfoModule.self, DockerImageModule.self, DockerImageInfoModule.self,
        DockerVolumeModule.self, DockerNetworkModule.self, DockerLoginModule.self, DockerPruneModule.self,
        OpenSSLPrivateKeyModule.self, OpenSSLCSRModule.self, X509CertificateModule.self, X509CertificateInfoModule.self,
        HtpasswdModule.self,
        AptModule.self, SystemdModule.self, ServiceModule.self, ServiceFactsModule.self,
        UserModule.self, GroupModule.self, AuthorizedKeyModule.self,
        GetURLModule.self, URIModule.self, WaitForModule.self, WaitForConnectionModule.self,
        DnfModule.self, YumRepositoryModule.self, PackageModule.self, AptRepositoryModule.self, Deb822RepositoryModule.self, AptKeyModule.self,
        MountModule.self,
    ]

    private static let byName: [String: Module.Type] = {
        var map: [String: Module.Type] = [:]
        for m in all {
            map[m.name] = m
            for a in m.aliases { map[a] = m }
        }
        return map
    }()

    public static func module(named name: String) -> Module.Type? { byName[name] }
    public static var names: [String] { all.map { $0.name }.sorted() }
}
