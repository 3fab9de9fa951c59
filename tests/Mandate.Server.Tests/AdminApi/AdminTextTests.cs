using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// Invariant 8 on the admin socket: free text the audit trail keeps for good (<c>by</c>, <c>reason</c>, <c>approver</c>) never
/// holds a token, a control or format character, or more than 500 characters. Each entry point refuses it with
/// <c>admin.text_invalid</c>, names the field, echoes nothing and changes nothing.
/// </summary>
[Trait("Invariant", "8")]
public sealed class AdminTextTests : BrokerTest
{
    protected override string Configuration => VaultedTool.AddTo(TestBroker.Configuration);

    // A compact JWS as pasted from an Authorization header: {"alg":"ES256","typ":"JWT"}.{"sub":"alice"}.signature
    private const string Jwt = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";

    /// <summary>Each admin call that records free text: method, path, and where the hostile text goes (JSON member or query).</summary>
    public static TheoryData<string, string, string> EntryPoints => new()
    {
        { "POST", "admin/revocations", """{"target":"user","value":"alice","reason":"TEXT"}""" },
        { "POST", "admin/revocations", """{"target":"user","value":"alice","by":"TEXT"}""" },
        { "POST", "admin/agents/enable", """{"agent":"spiffe://acme.example/agents/support","reason":"TEXT"}""" },
        { "POST", "admin/runs/run_1/end", """{"reason":"TEXT"}""" },
        { "POST", "admin/runs/run_1/end", """{"by":"TEXT"}""" },
        { "POST", "admin/approvals/areq_1/approve", """{"reason":"TEXT"}""" },
        { "POST", "admin/approvals/areq_1/deny", """{"approver":"TEXT"}""" },
        { "POST", "admin/entries", """{"spiffe_id":"spiffe://acme.example/agents/x","selectors":["unix:uid:1000"],"by":"TEXT"}""" },
        { "DELETE", "admin/entries/ent_1?reason=TEXT", "" },
        { "PUT", "admin/secrets/crm?by=TEXT", "a-test-value-not-a-key" },
        { "DELETE", "admin/secrets/crm?by=TEXT", "" },
    };

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task Invariant8_AdminTextHoldingABearerToken_Returns400ProblemNeverRecordedNorEchoed(string method, string path, string body)
    {
        var reply = await SendAsync(method, path, body, "Bearer " + Jwt);

        AssertRefused(reply, "holds a whole token");
        Assert.DoesNotContain(Jwt, reply.Json.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Jwt, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData("line one\nkind=issuance outcome=allow")]
    [InlineData("\u001b[2J\u001b[Hall clear")]
    [InlineData("nul\u0000byte")]
    [InlineData("tab\there")]
    [InlineData("ecila\u202Eevil")]
    public async Task Invariant8_RevocationReasonWithControlOrFormatCharacters_Returns400ProblemAndChangesNothing(string reason)
    {
        var reply = await SendAsync("POST", "admin/revocations", """{"target":"user","value":"alice","reason":"TEXT"}""", reason);

        AssertRefused(reply, "reason holds a control or format character");
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task Invariant8_AdminTextWithAnEscapeSequence_Returns400ProblemAndChangesNothing(string method, string path, string body)
    {
        var reply = await SendAsync(method, path, body, "\u001b]0;owned\u0007");

        AssertRefused(reply, "holds a control or format character");
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task Invariant8_AdminTextHoldingAVaultedSecret_Returns400ProblemNeverRecordedNorEchoed(string method, string path, string body)
    {
        // An API key has no shape to catch it by, so the vault's own values are looked for.
        var secret = await VaultedTool.SetAsync(Broker);

        var reply = await SendAsync(method, path, body, $"rotated after {secret} leaked");

        AssertRefused(reply, "holds a secret from the vault");
        Assert.DoesNotContain(secret, reply.Json.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Fact]
    public async Task Revocation_ReasonNamingAVaultedToolButNotItsSecret_IsRecorded()
    {
        var secret = await VaultedTool.SetAsync(Broker);

        var reply = await SendAsync("POST", "admin/revocations", """{"target":"user","value":"alice","reason":"TEXT"}""", $"{VaultedTool.Name} key rotated: {secret[..12]}…", expectRefusal: false);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
    }

    /// <summary>Each admin call that records who acted, with that field: a blank one would record nobody.</summary>
    public static TheoryData<string, string, string, string> ActorFields => new()
    {
        { "POST", "admin/revocations", """{"target":"user","value":"alice","by":"TEXT"}""", "by" },
        { "POST", "admin/agents/enable", """{"agent":"spiffe://acme.example/agents/support","by":"TEXT"}""", "by" },
        { "POST", "admin/runs/run_1/end", """{"by":"TEXT"}""", "by" },
        { "POST", "admin/approvals/areq_1/approve", """{"approver":"TEXT"}""", "approver" },
        { "POST", "admin/approvals/areq_1/deny", """{"approver":"TEXT"}""", "approver" },
        { "POST", "admin/entries", """{"spiffe_id":"spiffe://acme.example/agents/x","selectors":["unix:uid:1000"],"by":"TEXT"}""", "by" },
        { "DELETE", "admin/entries/ent_1?by=TEXT", "", "by" },
        { "PUT", "admin/secrets/crm?by=TEXT", "a-test-value-not-a-key", "by" },
    };

    [Theory]
    [MemberData(nameof(ActorFields))]
    public async Task Invariant5_AdminActorBlank_Returns400TextInvalidNamingTheFieldAndChangesNothing(string method, string path, string body, string field)
    {
        foreach (var blank in new[] { "", "   " })
        {
            var reply = await SendAsync(method, path, body, blank);

            AssertRefused(reply, $"{field} is blank");
            Assert.Equal(0, Broker.Runtime.Revocations.Count);
        }
    }

    [Fact]
    public async Task Invariant8_RevocationReasonOver500Characters_Returns400RefusedNotCut()
    {
        var reply = await SendAsync("POST", "admin/revocations", """{"target":"user","value":"alice","reason":"TEXT"}""", new string('r', 501));

        AssertRefused(reply, "reason is 501 characters long");
        Assert.Contains("refused, not cut", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Fact]
    public async Task Revocation_Reason500CharactersOfPlainText_IsRecordedAsSent()
    {
        var reason = "incident 42: " + new string('r', 487);

        var reply = await SendAsync("POST", "admin/revocations", """{"target":"user","value":"alice","reason":"TEXT"}""", reason, expectRefusal: false);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var recorded = Assert.Single(await Broker.AuditEventsAsync(Core.Audit.AuditKinds.Revocation));
        Assert.Equal(reason, recorded.Reason);
    }

    private async Task<OAuthReply> SendAsync(string method, string path, string body, string text, bool expectRefusal = true)
    {
        // In a JSON member the text goes JSON-escaped; in the query, percent-encoded.
        var inJson = System.Text.Json.JsonSerializer.Serialize(text)[1..^1];
        var filled = path.Contains("TEXT", StringComparison.Ordinal) ? path.Replace("TEXT", Uri.EscapeDataString(text), StringComparison.Ordinal) : path;
        var content = body.Replace("TEXT", inJson, StringComparison.Ordinal);
        var contentType = method == "PUT" ? "application/octet-stream" : "application/json";
        Task<OAuthReply> Send() => AdminSocket.SendAsync(Broker, new HttpMethod(method), filled, content.Length == 0 ? null : content, contentType);
        return expectRefusal ? await Broker.AssertAuditUnchangedAsync(Send) : await Send();
    }

    private static void AssertRefused(OAuthReply reply, string rule)
    {
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("admin.text_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.Contains(rule, reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
