using System.Text.Json;
using Mandate.Client;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>Registration entries through the admin client: create, list, delete, each audited; bad entries change nothing.</summary>
public sealed class EntryAdminApiTests : SpiffeBrokerTest
{
    [Fact]
    public async Task Entries_CreateListDelete_RoundTripAndAreAudited()
    {
        using var admin = Broker.Admin();

        var created = await admin.CreateEntryAsync(TestBroker.ResearchAgent, ["unix:uid:1000", "unix:sha256:" + new string('A', 64)], "30m", "2m");
        var id = created.GetProperty("id").GetString()!;
        var listed = Assert.Single((await admin.ListEntriesAsync()).EnumerateArray());
        var deleted = await admin.DeleteEntryAsync(id, "done");

        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(TestBroker.ResearchAgent, listed.GetProperty("spiffe_id").GetString());
        Assert.Equal(["unix:uid:1000", "unix:sha256:" + new string('a', 64)], listed.GetProperty("selectors").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("30m", listed.GetProperty("x509_ttl").GetString());
        Assert.Equal("2m", listed.GetProperty("jwt_ttl").GetString());
        Assert.Equal(id, deleted.GetProperty("id").GetString());
        Assert.Equal(0, (await admin.ListEntriesAsync()).GetArrayLength());
        var audit = await Broker.AuditEventsAsync(SpiffeAuditKinds.RegistrationEntry);
        Assert.Equal(["created", "deleted"], audit.Select(e => e.Outcome));
        Assert.All(audit, e => Assert.Equal(id, e.Evidence["entry"]));
        Assert.Equal("done", audit[1].Reason);
    }

    [Theory]
    [InlineData("spiffe://other.example/agents/x", "unix:uid:1", "outside Mandate's trust domain")]
    [InlineData("spiffe://acme.example", "unix:uid:1", "not a workload SPIFFE ID")]
    // SPIFFE-ID §2: scheme spiffe, lowercase trust domain, no dot segments, no trailing '/', no percent-encoding,
    // no query, no port; each is refused by name rather than stored as an identity no SVID can carry.
    [InlineData("SPIFFE://acme.example/agents/x", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://Acme.example/agents/x", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://acme.example/agents/../admin", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://acme.example/agents/x/", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://acme.example/agents/%78", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://acme.example/agents/x?tenant=acme", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://acme.example:8443/agents/x", "unix:uid:1", "not a workload SPIFFE ID")]
    [InlineData("spiffe://acme.example/agents/x", "unix:pid:1", "not a valid selector")]
    [InlineData("spiffe://acme.example/agents/x", "k8s:ns:default", "is not a selector")]
    [InlineData("spiffe://acme.example/agents/x", "unix:path:/usr/./bin/x", "could never match")]
    [InlineData("spiffe://acme.example/agents/x", "unix:path:/opt/x\ny", "control character U+000A")]
    public async Task CreateEntry_Invalid_Returns400NamingTheRuleAndStoresNothing(string spiffeId, string selector, string reason)
    {
        using var admin = Broker.Admin();

        var e = await Assert.ThrowsAsync<MandateErrorException>(() => admin.CreateEntryAsync(spiffeId, [selector], null, null));

        Assert.Equal(400, e.Status);
        Assert.Contains(reason, e.Description, StringComparison.Ordinal);
        Assert.Empty(await Broker.Runtime.Store.ListRegistrationEntriesAsync(CancellationToken.None));
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.RegistrationEntry));
    }

    [Fact]
    public async Task CreateEntry_PathSelectorNamingASymbolicLink_Returns400NamingTheResolvedPathAndStoresNothing()
    {
        var dir = Directory.CreateTempSubdirectory("mandate-entry-");
        try
        {
            File.WriteAllText(Path.Join(dir.FullName, "agent-1.2"), "");
            File.CreateSymbolicLink(Path.Join(dir.FullName, "agent"), "agent-1.2");
            using var admin = Broker.Admin();

            var e = await Assert.ThrowsAsync<MandateErrorException>(
                () => admin.CreateEntryAsync(TestBroker.SupportAgent, ["unix:uid:1000", $"unix:path:{dir.FullName}/agent"], null, null));

            Assert.Equal(400, e.Status);
            Assert.Contains($"is a symbolic link (or lies under one) to '{dir.FullName}/agent-1.2'", e.Description, StringComparison.Ordinal);
            Assert.Contains($"write unix:path:{dir.FullName}/agent-1.2", e.Description, StringComparison.Ordinal);
            Assert.Empty(await Broker.Runtime.Store.ListRegistrationEntriesAsync(CancellationToken.None));
            Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.RegistrationEntry));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CreateEntry_PathWithSpaces_IsAuditedAsAJsonArrayThatReadsBackExactly()
    {
        using var admin = Broker.Admin();
        string[] selectors = ["unix:uid:1000", "unix:path:/opt/my agent/bin/run unix:uid:0"];

        await admin.CreateEntryAsync(TestBroker.SupportAgent, selectors, null, null);

        var recorded = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.RegistrationEntry)).Evidence["selectors"];
        Assert.Equal(selectors, JsonSerializer.Deserialize<string[]>(recorded));
    }

    [Theory]
    [InlineData("25h", null, "x509_ttl must be more than 0 and at most 24h")]
    [InlineData(null, "2h", "jwt_ttl must be more than 0 and at most 1h")]
    [InlineData("soon", null, "not a duration")]
    public async Task CreateEntry_BadTtl_Returns400(string? x509, string? jwt, string reason)
    {
        using var admin = Broker.Admin();

        var e = await Assert.ThrowsAsync<MandateErrorException>(() => admin.CreateEntryAsync(TestBroker.SupportAgent, ["unix:uid:1"], x509, jwt));

        Assert.Contains(reason, e.Description, StringComparison.Ordinal);
        Assert.Empty(await Broker.Runtime.Store.ListRegistrationEntriesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task DeleteEntry_Unknown_Returns404AndAuditsNothing()
    {
        using var admin = Broker.Admin();

        var e = await Assert.ThrowsAsync<MandateErrorException>(() => admin.DeleteEntryAsync("ent_nope", null));

        Assert.Equal(404, e.Status);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.RegistrationEntry));
    }

    [Fact]
    public async Task CreateEntry_MalformedJson_Returns400NotA500()
    {
        var reply = await AdminSocket.PostJsonAsync(Broker, "admin/entries", JsonDocument.Parse("[1,2]").RootElement);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, reply.Status);
    }
}
