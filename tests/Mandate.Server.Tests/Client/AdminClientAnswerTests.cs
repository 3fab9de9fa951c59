using Mandate.Client;

namespace Mandate.Server.Tests.Client;

/// <summary>
/// MandateAdminClient against an admin socket that answers something other than the admin API's shapes: every method
/// throws <see cref="MandateErrorException"/> with <c>invalid_response</c> naming the endpoint, never a parser exception.
/// </summary>
public sealed class AdminClientAnswerTests : IDisposable
{
    private static readonly Dictionary<string, (string Endpoint, Func<MandateAdminClient, Task> Call)> Methods = new()
    {
        ["Revoke"] = ("POST /admin/revocations", a => a.RevokeAsync("run", "run_1", null)),
        ["EndRun"] = ("POST /admin/runs/run_1/end", a => a.EndRunAsync("run_1", null)),
        ["EnableAgent"] = ("POST /admin/agents/enable", a => a.EnableAgentAsync("spiffe://acme.example/agents/support", null)),
        ["WriteAuditCheckpoint"] = ("POST /admin/audit/checkpoint", a => a.WriteAuditCheckpointAsync()),
        ["Status"] = ("GET /admin/status", a => a.StatusAsync()),
        ["ListApprovals"] = ("GET /admin/approvals", a => a.ListApprovalsAsync("pending")),
        ["CreateConsoleLogin"] = ("POST /admin/console/login", a => a.CreateConsoleLoginAsync()),
        ["DecideApproval"] = ("POST /admin/approvals/apr_1/approve", a => a.DecideApprovalAsync("apr_1", true, "alice", null)),
        ["CreateEntry"] = ("POST /admin/entries", a => a.CreateEntryAsync("spiffe://acme.example/agents/support", ["unix:uid:1000"], null, null)),
        ["SetSecret"] = ("PUT /admin/secrets/refunds", a => a.SetSecretAsync("refunds", [1, 2, 3])),
        ["ListEntries"] = ("GET /admin/entries", a => a.ListEntriesAsync()),
        ["ListSecrets"] = ("GET /admin/secrets", a => a.ListSecretsAsync()),
        ["DeleteEntry"] = ("DELETE /admin/entries/ent_1", a => a.DeleteEntryAsync("ent_1", "gone")),
        ["DeleteSecret"] = ("DELETE /admin/secrets/refunds", a => a.DeleteSecretAsync("refunds")),
    };

    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"mandate-adm-{Guid.NewGuid():N}.sock");

    public static TheoryData<string, string> MalformedAnswers()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in Methods.Keys)
        {
            // Not JSON; EnableAgent reads nothing more, every other method reads an object or an array.
            data.Add(method, "<html>");
            if (method != "EnableAgent")
            {
                data.Add(method, "\"x\"");
                data.Add(method, "7");
            }
        }

        foreach (var method in new[] { "Revoke", "WriteAuditCheckpoint", "Status", "DecideApproval", "CreateEntry", "SetSecret", "DeleteEntry", "DeleteSecret" })
        {
            data.Add(method, "[]");
        }

        foreach (var method in new[] { "ListApprovals", "ListEntries", "ListSecrets" })
        {
            data.Add(method, "{}");
        }

        foreach (var body in new[] { "{}", "[]", "{\"ended\":[1]}", "{\"ended\":[null]}", "{\"ended\":\"run_1\"}" })
        {
            data.Add("EndRun", body);
        }

        foreach (var body in new[] { "{}", "{\"url\":7}", "{\"url\":\"login\",\"expires_at\":\"2026-01-01T00:10:00Z\"}", "{\"url\":\"https://mandate.acme.example/console/login/x\"}", "{\"url\":\"https://mandate.acme.example/console/login/x\",\"expires_at\":\"soon\"}" })
        {
            data.Add("CreateConsoleLogin", body);
        }

        return data;
    }

    public void Dispose() => File.Delete(_socket);

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public async Task AdminMethod_MalformedAnswer_ThrowsInvalidResponseNamingTheEndpoint(string method, string body)
    {
        await using var broker = await ScriptedServer.StartAsync(_socket, ScriptedAnswer.Json(200, body));
        using var admin = new MandateAdminClient(_socket);
        var (endpoint, call) = Methods[method];

        var failure = await Assert.ThrowsAsync<MandateErrorException>(() => call(admin));

        Assert.Equal(("invalid_response", 200), (failure.Error, failure.Status));
        Assert.Contains(endpoint, failure.Description, StringComparison.Ordinal);
        Assert.Single(broker.Received);
    }

    [Fact]
    public async Task AdminMethod_BrokerRefuses_SurfacesTheBrokersErrorAndCheckId()
    {
        await using var broker = await ScriptedServer.StartAsync(_socket, ScriptedAnswer.Json(404, """{"error":"not_found","error_description":"no run run_1","check_id":"admin.run_not_found"}"""));
        using var admin = new MandateAdminClient(_socket);

        var refusal = await Assert.ThrowsAsync<MandateErrorException>(() => admin.EndRunAsync("run_1", null));

        Assert.Equal(("not_found", 404, "admin.run_not_found"), (refusal.Error, refusal.Status, refusal.CheckId));
    }

    [Fact]
    public async Task AdminMethod_WellFormedAnswers_AreRead()
    {
        await using var broker = await ScriptedServer.StartAsync(
            _socket,
            ScriptedAnswer.Json(200, """{"ended":["run_1","run_2"]}"""),
            ScriptedAnswer.Json(200, """{"url":"https://mandate.acme.example/console/login/x","expires_at":"2026-01-01T00:10:00Z"}"""),
            ScriptedAnswer.Json(200, """[{"id":"apr_1"}]"""));
        using var admin = new MandateAdminClient(_socket);

        Assert.Equal(["run_1", "run_2"], await admin.EndRunAsync("run_1", null));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 10, 0, TimeSpan.Zero), (await admin.CreateConsoleLoginAsync()).ExpiresAt);
        Assert.Equal("apr_1", (await admin.ListApprovalsAsync(null))[0].GetProperty("id").GetString());
    }
}
