using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>Registration entries the workload socket must not honour: one stored under an earlier trust domain.</summary>
public sealed class WorkloadStaleEntryTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;

    [Fact]
    public async Task Invariant7_EntryLeftFromAnotherTrustDomain_IsRefusedWith403NotA500AndNeverShadowsAValidEntry()
    {
        var uid = await ChildProcess.CurrentUidAsync();
        // An entry from before trust_domain changed: stored, older than any other, and matching this process.
        var stale = new RegistrationEntry
        {
            Id = "ent_stale",
            SpiffeId = "spiffe://old.example/agents/support",
            Selectors = [$"unix:uid:{uid}"],
            CreatedAt = Broker.Now - TimeSpan.FromDays(1),
        };
        await Broker.Runtime.AuditWriter.CommitAsync(new StoreBatch(stale), CancellationToken.None);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var x509 = await client.GetAsync("v1/svid/x509");
        using var jwt = await client.PostAsJsonAsync("v1/svid/jwt", new { audience = "refunds" });

        var detail = await AssertProblemAsync(x509, HttpStatusCode.Forbidden, "workload.no_entry");
        Assert.Contains("mandate entries delete ent_stale", detail, StringComparison.Ordinal);
        await AssertProblemAsync(jwt, HttpStatusCode.Forbidden, "workload.no_entry");
        Assert.All(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid), e => Assert.Equal("refused", e.Outcome));

        await RegisterThisProcessAsync(Agent);
        using var valid = await client.GetAsync("v1/svid/x509");
        using var json = JsonDocument.Parse(await valid.Content.ReadAsStringAsync());
        Assert.Equal(Agent, json.RootElement.GetProperty("spiffe_id").GetString());
    }
}
