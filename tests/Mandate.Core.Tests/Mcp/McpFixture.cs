using System.Text.Json;
using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Introspection;
using Mandate.Core.Issuance;
using Mandate.Core.Keys;
using Mandate.Core.Mcp;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Storage.InMemory;
using Microsoft.Extensions.Time.Testing;

namespace Mandate.Core.Tests.Mcp;

/// <summary>The MCP call policy over the in-memory reference store, a policy file and a fake clock.</summary>
internal sealed class McpFixture : IAsyncDisposable
{
    public const string Support = "spiffe://acme.example/agents/support";

    public const string Policy = """
        rules:
          - id: support-payments-mcp
            reason: Support may hold a credential for the payments MCP server.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            scopes: [orders:read, refunds:write]
          - id: mcp-lookup
            reason: Support may look orders up.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [lookup_order] }
          - id: mcp-small-refunds
            reason: Small refunds need nobody.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount <= 100
          - id: mcp-large-refunds
            reason: Large refunds need a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [refund], record_arguments: true }
            when: mcp.arguments.amount > 100
            approval_expires_in: 5m
          - id: mcp-quiet-refunds
            reason: Refunds marked quiet need a human, and their arguments stay out of the record.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [quiet_refund] }
        """;

    private readonly TempDirectory _folder = new();
    private readonly SigningKeyRing _keys;

    public McpFixture()
    {
        var path = _folder.File("policy.yaml");
        File.WriteAllText(path, Policy);
        Provider = PolicyProvider.Load(path, Clock);
        Options = new MandateOptions { TrustDomain = "acme.example", Node = "node-test", Environment = "prod" };
        CallPolicy = new McpCallPolicy(Provider, Store, Store, Store, Options, Clock);
        _keys = new SigningKeyRing(Store, new KeyEncryptionKey(new byte[32]), Options, Clock);
        var issue = new IssueStage(new CredentialKinds([]), new RunTokenMinter(_keys, Options), Store, Store, Options);
        Approvals = new ApprovalService(Store, Store, Attest(), Provider, new Registry(Options), issue, Options, Clock);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    public InMemoryMandateStore Store { get; } = new();
    public PolicyProvider Provider { get; }
    public MandateOptions Options { get; }
    public McpCallPolicy CallPolicy { get; }
    public ApprovalService Approvals { get; }

    /// <summary>The revocations the Attest stage judges standing by; empty unless a test adds one.</summary>
    public RevocationList Revocations { get; } = new();

    public IssuedToken Caller { get; } = new()
    {
        Jti = "jti_1",
        Agent = Support,
        Subject = "alice",
        Audience = "http://127.0.0.1:8081/payments-mcp",
        Scope = "orders:read refunds:write",
        Tenant = "acme",
        Run = "run_1",
        PolicyVersion = "sha256:00",
        DecisionId = "dec_1",
        Kid = "k1",
        IssuedAt = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
        ExpiresAt = new DateTimeOffset(2026, 3, 1, 9, 5, 0, TimeSpan.Zero),
    };

    /// <summary>Replaces the policy file and reloads it, as an operator's edit does.</summary>
    public async Task ReloadPolicyAsync(string yaml)
    {
        await File.WriteAllTextAsync(Provider.Path, yaml);
        Assert.True((await Provider.ReloadAsync()).IsValid, "the test policy did not load");
    }

    public async Task<McpFixture> MigrateAsync()
    {
        await Store.MigrateAsync(CancellationToken.None);
        return this;
    }

    public static McpToolCall Call(string tool, string argumentsJson) =>
        new("payments-mcp", tool, JsonDocument.Parse(argumentsJson).RootElement.Clone());

    public Task<McpCallDecision> DecideAsync(McpToolCall call, IssuedToken? caller = null) =>
        CallPolicy.DecideAsync(caller ?? Caller, call, CancellationToken.None);

    public async Task<List<AuditRecord>> AuditAsync()
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Store.ReadAuditAsync(new AuditQuery(), CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>The Attest stage over this store and <see cref="Revocations"/>: approving re-checks standing through it.</summary>
    private AttestStage Attest()
    {
        var attestor = new JwtAttestor([], Clock);
        var standing = new PrincipalStanding(Store, Revocations);
        return new AttestStage(
            new ActorAttestor(attestor, new Registry(Options), Revocations, Options), attestor, new RunTokenValidator(_keys, Store, standing, Options, Clock), standing,
            new Mandate.SenderConstraint.DpopProofValidator(new Mandate.SenderConstraint.DpopValidationOptions(), Clock));
    }

    public async ValueTask DisposeAsync()
    {
        _keys.Dispose();
        Provider.Dispose();
        await Store.DisposeAsync();
        _folder.Dispose();
    }
}
