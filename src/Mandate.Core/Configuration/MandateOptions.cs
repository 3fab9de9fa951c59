namespace Mandate.Core.Configuration;

/// <summary>
/// The broker's whole configuration, read from one YAML file (see docs/configuration.md). Immutable:
/// a request reads one snapshot. Relative paths are resolved against the configuration file's folder.
/// </summary>
public sealed record MandateOptions
{
    /// <summary>The <c>iss</c> of every token Mandate issues and the audience workloads address. Default <c>http://127.0.0.1:8080</c>.</summary>
    public string Issuer { get; init; } = "http://127.0.0.1:8080";

    /// <summary>SPIFFE trust domain of the agents, e.g. <c>acme.example</c>.</summary>
    public string TrustDomain { get; init; } = "example.org";

    /// <summary>Deployment environment policies can match on (<c>dev</c>, <c>prod</c>, …). Default <c>dev</c>.</summary>
    public string Environment { get; init; } = "dev";

    /// <summary>
    /// Name of this broker node in audit records, key rows and the database's application name. Default: the host
    /// name, so two nodes never share a name unless told to; <c>mandate serve --node</c> or <c>MANDATE_NODE</c> override it.
    /// </summary>
    public string Node { get; init; } = System.Environment.MachineName.ToLowerInvariant();

    /// <summary>Kestrel URL for the OAuth endpoints. Default <c>http://127.0.0.1:8080</c>.</summary>
    public string Listen { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Folder for the SQLite file, the admin socket and generated development keys. Default <c>.mandate</c>.</summary>
    public string DataDirectory { get; init; } = ".mandate";

    /// <summary>SQLite database file (<c>store:</c> a path). Default <c>{data_dir}/mandate.db</c>. Unused when <see cref="Postgres"/> is set.</summary>
    public string StorePath { get; init; } = ".mandate/mandate.db";

    /// <summary>The shared PostgreSQL store (<c>store: postgres</c> and its <c>postgres:</c> section); null for the embedded SQLite store.</summary>
    public PostgresStoreConfig? Postgres { get; init; }

    /// <summary>Unix socket of the admin API (file permissions 0600 are its access control). Default <c>{data_dir}/admin.sock</c>.</summary>
    public string AdminSocket { get; init; } = ".mandate/admin.sock";

    /// <summary>The policy file. Required.</summary>
    public string PolicyPath { get; init; } = "policy.yaml";

    /// <summary>A candidate policy evaluated beside the active one and never enforced; differences are audited as <c>shadow_decision</c>. Optional.</summary>
    public string? ShadowPolicyPath { get; init; }

    public LifetimeOptions Lifetimes { get; init; } = new();
    public RunOptions Runs { get; init; } = new();
    public KeyOptions Keys { get; init; } = new();

    /// <summary>Validated identity tokens remembered between requests (<c>identity_cache:</c>). On by default.</summary>
    public IdentityCacheOptions IdentityCache { get; init; } = new();
    public IReadOnlyList<TrustedIssuerOptions> Issuers { get; init; } = [];
    public IReadOnlyList<AgentOptions> Agents { get; init; } = [];
    public IReadOnlyList<ToolOptions> Tools { get; init; } = [];

    /// <summary>mTLS listener, X.509-SVID trust bundles and DPoP (docs/sender-constraint.md).</summary>
    public SenderConstraintOptions SenderConstraint { get; init; } = new();

    /// <summary>Mandate as the SPIFFE issuer of its trust domain (CA, bundle, workload endpoint). Off by default.</summary>
    public SpiffeOptions Spiffe { get; init; } = new();

    /// <summary>The egress injection proxy; disabled unless <c>proxy.listen</c> is set.</summary>
    public ProxyOptions Proxy { get; init; } = new();

    /// <summary>The web console; disabled unless <c>console.listen</c> is set (docs/console.md).</summary>
    public ConsoleOptions Console { get; init; } = new();

    /// <summary>OpenTelemetry export; off unless <c>telemetry.otlp_endpoint</c> is set.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>Connection caps, slow-client timeouts and the DPoP replay cache's size (<c>limits:</c>).</summary>
    public LimitOptions Limits { get; init; } = new();

    /// <summary>Signed audit checkpoints; off unless <c>audit.checkpoints.file</c> is set.</summary>
    public Audit.Checkpoints.AuditCheckpointOptions AuditCheckpoints { get; init; } = new();

    /// <summary>The group commit's wait for exchanges on their way (<c>audit.commit_delay_ms</c>, <c>audit.commit_siblings</c>).</summary>
    public Audit.AuditWriterOptions AuditWriter { get; init; } = new();

    /// <summary>The audit stream for SIEMs; off unless <c>audit.stream</c> names a destination (docs/audit.md).</summary>
    public Audit.Streaming.AuditStreamOptions AuditStream { get; init; } = new();

    /// <summary>Folder the configuration file lives in; relative paths were resolved against it.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>
    /// The configured tools as a policy is checked against them: what a rule may name, and which tools' credentials
    /// carry no holder binding (a <c>postgres</c> login's password, an <c>oidc-federation</c> provider token), so a rule
    /// demanding <c>sender_constraint</c> for them would bind the request and not the credential.
    /// </summary>
    public Mandate.Policy.PolicyToolCatalog ToolCatalog() => new(
        new HashSet<string>(Tools.Select(t => t.Name), StringComparer.Ordinal),
        Tools.Where(t => t.Kind is CredentialKind.Postgres or CredentialKind.OidcFederation)
            .ToDictionary(t => t.Name, t => Issuance.IssuanceRecord.Name(t.Kind), StringComparer.Ordinal));
}
