using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// The vault's PUT and DELETE take who acted (<c>by</c>) in the query, so they read it as strictly as the list endpoints
/// read theirs: a misspelt <c>by</c> would record the change as plain "admin", and a repeated one as both values joined.
/// </summary>
[Trait("Invariant", "5")]
public sealed class AdminSecretQueryTests : BrokerTest
{
    protected override string Configuration => VaultedTool.AddTo(TestBroker.Configuration);

    [Theory]
    [InlineData("PUT", "byy=alice", "unknown parameter 'byy'; this endpoint takes by")]
    [InlineData("PUT", "by=alice&by=mallory", "'by' is given 2 times; give it once")]
    [InlineData("PUT", "reason=rotated", "unknown parameter 'reason'; this endpoint takes by")]
    [InlineData("DELETE", "byy=alice", "unknown parameter 'byy'; this endpoint takes by")]
    [InlineData("DELETE", "by=alice&by=mallory", "'by' is given 2 times; give it once")]
    public async Task Invariant5_SecretChangeWithAQueryItDoesNotTake_Returns400ProblemNamingItAndVaultUnchanged(string method, string query, string detail)
    {
        await VaultedTool.SetAsync(Broker);
        var before = (await AdminSocket.GetAsync(Broker, "admin/secrets")).Json.GetRawText();

        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            AdminSocket.SendAsync(Broker, new HttpMethod(method), $"admin/secrets/{VaultedTool.Name}?{query}", method == "PUT" ? "test-value-rotated" : null, "application/octet-stream"));

        // RFC 9457 §3.1: the problem's status is the HTTP status; a refusal changes no state (invariant 7).
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(400, reply.Json.GetProperty("status").GetInt32());
        Assert.Equal("admin.query_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.StartsWith(detail, reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, (await AdminSocket.GetAsync(Broker, "admin/secrets")).Json.GetRawText());
    }

    [Fact]
    public async Task SecretSetWithBy_RecordsWhoActed()
    {
        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Put, $"admin/secrets/{VaultedTool.Name}?by=alice", "test-value-rotated", "application/octet-stream");

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("alice", reply.Json.GetProperty("created_by").GetString());
    }
}
