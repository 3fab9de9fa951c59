using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Policy;
using Mandate.Core.Resolution;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.Storage.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace Mandate.Core.Tests.Stages;

/// <summary>
/// What the stages run over in a unit test: a registry of two agents and two tools, a revocation list, the in-memory
/// reference store, a fake clock, and an audit trail that records batches (or fails like a lost store).
/// </summary>
internal sealed class StageFixture : IAsyncDisposable
{
    public const string Support = "spiffe://acme.example/agents/support";
    public const string Executor = "spiffe://acme.example/agents/executor";

    public StageFixture()
    {
        Options = new MandateOptions
        {
            TrustDomain = "acme.example",
            Node = "node-test",
            Tools =
            [
                new ToolOptions { Name = "refunds", Resource = "https://refunds.acme.example", Scopes = ["refunds:read", "refunds:write"] },
                new ToolOptions { Name = "crm", Resource = "https://crm.acme.example", Scopes = ["crm:read"] },
            ],
            Agents =
            [
                new AgentOptions { Id = Support, Tenants = ["acme", "globex"], Tools = ["refunds", "crm"], MaxLifetime = TimeSpan.FromMinutes(3), MaxDelegationDepth = 1 },
                new AgentOptions { Id = Executor, Tenants = ["acme"], Tools = ["refunds"] },
            ],
        };
        Registry = new Registry(Options);
        Store = new InMemoryMandateStore();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    public MandateOptions Options { get; }
    public Registry Registry { get; }
    public RevocationList Revocations { get; } = new();
    public InMemoryMandateStore Store { get; }
    public RecordingTrail Trail { get; } = new();
    public DateTimeOffset Now => Clock.GetUtcNow();

    public async Task<StageFixture> MigrateAsync()
    {
        await Store.MigrateAsync(CancellationToken.None);
        return this;
    }

    public ResolveStage Resolve() => new(Registry, Store, Revocations);

    public AgentOptions Agent(string id) => Registry.FindAgent(id) ?? throw new InvalidOperationException(id);

    public AttestedActor Actor(string id = Support) =>
        new(new WorkloadIdentity(id, new AttestationEvidence("jwt-svid", "https://spire.acme.example", "kid-1", "ES256", Now.AddMinutes(5), "jti-1")), Agent(id));

    public AttestedSubject UserSubject(string tenant = "acme") =>
        new(SubjectKind.User, new UserIdentity("https://idp.acme.example", "alice", tenant, new AttestationEvidence("jwt", "https://idp.acme.example", null, "ES256", Now.AddMinutes(5), null)), null);

    public static AttestedSubject AgentSubject() => new(SubjectKind.Agent, null, null);

    /// <summary>A run of <paramref name="agent"/> in acme that may read and write refunds, and a token of it.</summary>
    public PresentedRunToken RunToken(string agent = Support, int depth = 0, int maxDepth = 1) => new(
        new RunRecord
        {
            Id = "run_1",
            Lineage = "run_1",
            Depth = depth,
            MaxDepth = maxDepth,
            Agent = agent,
            Tenant = "acme",
            User = "alice",
            UserIssuer = "https://idp.acme.example",
            Actors = [agent],
            Envelope = new RunEnvelope([new KeyValuePair<string, IEnumerable<string>>("refunds", ["refunds:read", "refunds:write"])]),
            StartedAt = Now,
            ExpiresAt = Now.AddMinutes(30),
            DecisionId = "dec_1",
            PolicyVersion = "v1",
            Node = "node-test",
        },
        "rt_1",
        Now,
        Now.AddMinutes(15));

    public static TokenRequest Request(params (string Name, string Value)[] parameters) =>
        new(parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));

    public GrantFacts Facts(AttestedSubject subject, Placement placement) =>
        new(Now, "dec_test", Actor(), subject, SenderBinding.None, placement);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
    }

    /// <summary>Records every committed batch; with <see cref="Fail"/> set, refuses like a store that went away.</summary>
    internal sealed class RecordingTrail : IUnitOfWork
    {
        public List<StoreBatch> Batches { get; } = [];

        public bool Fail { get; set; }

        public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new StoreUnavailableException("the store file is gone", StoreFailureCause.FileDeletedOrReplaced);
            }

            Batches.Add(batch);
            return Task.CompletedTask;
        }
    }
}
