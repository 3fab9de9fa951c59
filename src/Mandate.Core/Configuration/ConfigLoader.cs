using Mandate.Core.Protocol;
using Mandate.Policy;
using YamlDotNet.RepresentationModel;

namespace Mandate.Core.Configuration;

/// <summary>
/// Reads mandate.yaml into <see cref="MandateOptions"/>. Every problem is collected with its
/// file:line:column, so an operator fixes the file in one pass; any problem refuses start-up.
/// </summary>
public static class ConfigLoader
{
    /// <summary>What to do when the configuration file is not where it was looked for.</summary>
    public const string MissingFileHint =
        "configuration file not found; name it with -c/--config PATH or set MANDATE_CONFIG (default: ./mandate.yaml in the current folder)";

    /// <summary>Loads and validates a configuration file. Throws <see cref="MandateConfigException"/> listing every problem.</summary>
    public static MandateOptions LoadFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new MandateConfigException([new ConfigProblem(fullPath, 0, 0, "", MissingFileHint)]);
        }

        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MandateConfigException([new ConfigProblem(fullPath, 0, 0, "", $"cannot read the configuration file: {e.Message}")]);
        }

        return Parse(text, fullPath);
    }

    /// <summary>Parses configuration text; relative paths resolve against <paramref name="fileName"/>'s folder.</summary>
    public static MandateOptions Parse(string yaml, string fileName)
    {
        var problems = new List<ConfigProblem>();
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? Directory.GetCurrentDirectory();
        var root = ReadRoot(yaml, fileName, problems);
        var options = root is null ? new MandateOptions() : Read(new YamlMapping(root, "", fileName, problems), baseDir);

        if (problems.Count > 0)
        {
            // In file order, so an operator fixes them top to bottom; problems without a place come first.
            throw new MandateConfigException([.. problems.OrderBy(p => p.Line).ThenBy(p => p.Column)]);
        }

        return options;
    }

    private static YamlMappingNode? ReadRoot(string yaml, string fileName, List<ConfigProblem> problems)
    {
        var stream = YamlText.TryLoad(yaml, out var error);
        if (stream is null)
        {
            problems.Add(new ConfigProblem(fileName, error!.Line, error.Column, "", $"not valid YAML: {error.Message}"));
            return null;
        }
        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }

        if (stream.Documents[0].RootNode is YamlMappingNode map)
        {
            return map;
        }

        problems.Add(new ConfigProblem(fileName, 1, 1, "", "the file must be a YAML mapping (key: value)"));
        return null;
    }

    private static MandateOptions Read(YamlMapping root, string baseDir)
    {
        var defaults = new MandateOptions();
        var tools = root.List("tools", m => ToolConfigReader.Read(m, baseDir));
        var toolNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (!toolNames.Add(tool.Name))
            {
                root.Problem("tools", $"tool '{tool.Name}' is defined twice");
            }
        }

        var dataDir = Resolve(baseDir, root.String("data_dir") ?? defaults.DataDirectory);
        var store = root.String("store");
        var postgres = PostgresConfigReader.Read(root, store, baseDir);
        var node = root.String("node");
        if (node is not null && NodeName.Problem(node) is { } badNode)
        {
            root.Problem("node", badNode);
        }

        var telemetry = root.Map("telemetry", m => TelemetryConfigReader.Read(m, baseDir));
        var (checkpoints, auditStream, auditWriter) = root.Map("audit", a =>
        {
            var checkpoints = a.Map("checkpoints", m => ReadAuditCheckpoints(m, baseDir, defaults.AuditCheckpoints));
            return (checkpoints, a.Map("stream", m => AuditStreamConfigReader.Read(m, baseDir, dataDir, telemetry.Enabled, checkpoints.File)), ReadGroupCommit(a, defaults.AuditWriter));
        });
        var options = new MandateOptions
        {
            BaseDirectory = baseDir,
            Issuer = root.String("issuer") ?? defaults.Issuer,
            TrustDomain = root.String("trust_domain", required: true, "the SPIFFE trust domain of your agents' IDs, e.g. trust_domain: acme.example") ?? defaults.TrustDomain,
            Environment = root.String("environment") ?? defaults.Environment,
            Node = node ?? defaults.Node,
            Listen = root.String("listen") ?? defaults.Listen,
            DataDirectory = dataDir,
            StorePath = Resolve(baseDir, postgres is null && store is not null ? store : Path.Combine(dataDir, "mandate.db")),
            Postgres = postgres,
            AdminSocket = Resolve(baseDir, root.String("admin_socket") ?? Path.Combine(dataDir, "admin.sock")),
            PolicyPath = Resolve(baseDir, root.String("policy", required: true, "the policy file, relative to this one, e.g. policy: policy.yaml (docs/policy.md)") ?? defaults.PolicyPath),
            ShadowPolicyPath = root.String("shadow_policy") is { } shadow ? Resolve(baseDir, shadow) : null,
            Lifetimes = root.Map("lifetimes", m => new LifetimeOptions
            {
                Default = m.Duration("default") ?? defaults.Lifetimes.Default,
                Max = m.Duration("max") ?? defaults.Lifetimes.Max,
            }),
            Runs = root.Map("runs", m => new RunOptions
            {
                TokenLifetime = m.Duration("token_lifetime") ?? defaults.Runs.TokenLifetime,
                MaxDuration = m.Duration("max_duration", TimeSpan.FromDays(365)) ?? defaults.Runs.MaxDuration,
            }),
            Keys = root.Map("keys", m => new KeyOptions
            {
                RotateEvery = m.Duration("rotate_every", TimeSpan.FromDays(365)) ?? defaults.Keys.RotateEvery,
                PublishAhead = m.Duration("publish_ahead"),
                KekEnvironmentVariable = m.String("kek_env") ?? defaults.Keys.KekEnvironmentVariable,
                KekFile = Resolve(baseDir, m.String("kek_file") ?? Path.Combine(dataDir, "kek")),
            }),
            IdentityCache = root.Map("identity_cache", m => new IdentityCacheOptions
            {
                MaxEntries = m.Integer("max_entries", 0, 1_000_000) ?? defaults.IdentityCache.MaxEntries,
                MaxAge = m.Duration("max_age", TimeSpan.FromHours(1)) ?? defaults.IdentityCache.MaxAge,
            }),
            Issuers = root.List(
                "issuers",
                m => IssuerConfigReader.Read(m, baseDir),
                required: true,
                "the identity providers whose tokens agents and users present, at least one of kind workload (examples/quickstart/mandate.yaml; docs/trust-sources.md)"),
            Agents = root.List("agents", m => ReadAgent(m, toolNames)),
            Tools = tools,
            SenderConstraint = SenderConstraintConfigReader.Read(root, baseDir, root.String("listen") ?? defaults.Listen),
            Spiffe = SpiffeConfigReader.Read(root, baseDir, dataDir),
            Proxy = root.Map("proxy", ProxyConfigReader.Read),
            Console = root.Map("console", m => ConsoleConfigReader.Read(m, root, baseDir)),
            Telemetry = telemetry,
            Limits = root.Map("limits", LimitsConfigReader.Read),
            AuditCheckpoints = checkpoints,
            AuditStream = auditStream,
            AuditWriter = auditWriter,
        };
        root.Finish();
        ConfigRules.Check(options, root);
        return options;
    }

    private static AgentOptions? ReadAgent(YamlMapping m, HashSet<string> toolNames)
    {
        var id = m.String("id", required: true);
        var tenants = m.StringList("tenants", required: true);
        var tools = m.StringList("tools", required: true);
        var max = m.Duration("max_lifetime");
        var owner = m.String("owner");
        var maxDepth = m.Integer("max_delegation_depth", 0, 8);
        var subAgents = m.StringList("sub_agents");
        if (id is not null && !SpiffeId.IsValid(id))
        {
            m.Problem("id", $"'{id}' is not a SPIFFE ID; write spiffe://<trust-domain>/<path>");
        }
        else if (id is not null && !SpiffeId.TryGetWorkloadTrustDomain(id, out _))
        {
            // SPIFFE-ID §2.2, X509-SVID §3.1: an ID without a path names the trust domain itself, never a workload.
            m.Problem("id", $"'{id}' names the trust domain, not a workload; write {id}/<path>, e.g. {id}/agents/support");
        }

        foreach (var tool in (tools ?? []).Where(t => !toolNames.Contains(t)))
        {
            m.Problem("tools", ConfigRules.UndefinedTool(tool, toolNames));
        }

        return id is null || tenants is null || tools is null
            ? null
            : new AgentOptions { Id = id, Tenants = tenants, Tools = tools, MaxLifetime = max, Owner = owner, MaxDelegationDepth = maxDepth ?? 0, SubAgents = subAgents };
    }

    // A NUL cannot be in a path; it stays in the name so the file check reports it instead of GetFullPath throwing.
    private static Audit.Checkpoints.AuditCheckpointOptions ReadAuditCheckpoints(YamlMapping m, string baseDir, Audit.Checkpoints.AuditCheckpointOptions defaults)
    {
        var interval = m.Duration("interval", TimeSpan.FromHours(24)) ?? defaults.Interval;
        if (interval <= TimeSpan.Zero)
        {
            m.Problem("interval", "must be a positive duration, e.g. 5m");
        }

        return new() { File = m.String("file") is { } file ? Resolve(baseDir, file) : null, Interval = interval };
    }

    // Whole milliseconds: the commit loop's timed wait has that resolution.
    private static Audit.AuditWriterOptions ReadGroupCommit(YamlMapping m, Audit.AuditWriterOptions defaults) => defaults with
    {
        CommitDelay = m.Integer("commit_delay_ms", 0, 100) is { } delay ? TimeSpan.FromMilliseconds(delay) : defaults.CommitDelay,
        CommitSiblings = m.Integer("commit_siblings", 1, 10_000) ?? defaults.CommitSiblings,
    };

    internal static string Resolve(string baseDir, string path) => Path.GetFullPath(Path.Combine(baseDir, path.Replace('\0', '\uFFFD')));
}
