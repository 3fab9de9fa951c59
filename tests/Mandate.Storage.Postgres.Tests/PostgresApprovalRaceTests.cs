using Mandate.Core.Approvals;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// Two broker nodes asked for the same request at the same instant: each looked for a pending approval, found none, and
/// inserts its own. The store checks again inside its write, under the audit lock every commit holds, so one approval
/// is recorded and the other node answers with it.
/// </summary>
public sealed class PostgresApprovalRaceTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresFact]
    public async Task TryInsertApproval_TwoNodesSameBindingSameInstant_OneApprovalRecorded()
    {
        var a = _nodes.NewStore(_schema, "node-a");
        var b = _nodes.NewStore(_schema, "node-b");
        await a.MigrateAsync(None);

        for (var round = 0; round < 20; round++)
        {
            var binding = $"binding-{round}";
            var inserted = await Task.WhenAll(
                Task.Run(() => a.TryInsertApprovalAsync(Pending($"areq_a{round}", binding), [StoreTestData.Event(round) with { Node = "node-a" }], None)),
                Task.Run(() => b.TryInsertApprovalAsync(Pending($"areq_b{round}", binding), [StoreTestData.Event(round) with { Node = "node-b" }], None)));

            Assert.Single(inserted, i => i);
            var pending = await a.ListApprovalsAsync(ApprovalStatus.Pending, 100, None);
            Assert.Single(pending, p => p.BindingHash == binding);
        }
    }

    private static Approval Pending(string id, string binding) => new()
    {
        Id = id,
        Status = ApprovalStatus.Pending,
        Agent = "spiffe://acme.example/agents/support",
        Run = "run-1",
        Tool = "refunds",
        Tenant = "acme",
        User = "alice",
        Scope = "refunds:write",
        AuthorizationDetails = "[]",
        BindingHash = binding,
        BindingMessage = "agent wants a refund",
        Rule = "big-refunds",
        PolicyVersion = "sha256:9f2c",
        DecisionId = $"dec-{id}",
        LifetimeSeconds = 300,
        CreatedAt = StoreTestData.Epoch,
        ExpiresAt = StoreTestData.Epoch.AddMinutes(10),
    };
}
