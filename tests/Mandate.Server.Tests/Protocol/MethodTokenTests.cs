using System.Net;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Spiffe;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// RFC 9110 §9.1: the method token is case-sensitive, so <c>post</c> is a method the broker does not implement, not POST
/// (routing compares methods ignoring case). RFC 9110 §15.6.2: 501, before any endpoint runs, on every listener of the broker.
/// </summary>
[Trait("Invariant", "7")]
public sealed class MethodTokenTests : SpiffeBrokerTest
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "post", "token" },
        { "Post", "token" },
        { "post", "introspect" },
        { "pOST", "revoke" },
        { "post", "evidence" },
        { "get", "metadata" },
        { "Get", "jwks" },
        { "gEt", "audit jwks" },
        { "head", "healthz" },
        { "get", "spiffe bundle" },
        { "get", "admin status" },
        { "post", "admin revocations" },
        { "post", "workload jwt" },
        { "get", "workload bundle" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Invariant7_LowerCaseMethod_Returns501AndChangesNothing(string method, string endpoint)
    {
        var (target, path, host, body) = Request(endpoint);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();

        var reply = await RawHttp.SendAsync(target, $"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{Headers(body)}", body);

        Assert.True(reply.Status == (int)HttpStatusCode.NotImplemented, $"{method} {endpoint}: expected HTTP 501, got {reply}");
        Assert.Contains("application/problem+json", reply.Text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"request.method_not_implemented\"", reply.Text, StringComparison.Ordinal);
        Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    [Theory]
    [InlineData("PROPFIND")]
    [InlineData("FOO")]
    [InlineData("M-SEARCH")]
    public async Task Invariant7_UnknownMethod_Returns501AndChangesNothing(string method)
    {
        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, new HttpMethod(method), "oauth2/token", null, null));

        Assert.Equal(HttpStatusCode.NotImplemented, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Contains("\"check_id\":\"request.method_not_implemented\"", reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_LowerCasePostExchange_IssuesNothing_UpperCaseIssues()
    {
        var (target, path, host, body) = Request("token");

        var lower = await RawHttp.SendAsync(target, $"post {path} HTTP/1.1\r\nHost: {host}\r\n{Headers(body)}", body);
        Assert.True(lower.Status == (int)HttpStatusCode.NotImplemented, lower.ToString());
        await Broker.AssertNothingIssuedAsync();

        // Control: the same bytes with the method spelt as RFC 9110 §9.3.3 spells it are an exchange.
        var upper = await RawHttp.SendAsync(target, $"POST {path} HTTP/1.1\r\nHost: {host}\r\n{Headers(body)}", body);
        Assert.True(upper.Status == (int)HttpStatusCode.OK, upper.ToString());
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
    }

    [Theory]
    [InlineData("healthz")]
    [InlineData("admin status")]
    [InlineData("workload bundle")]
    public async Task Invariant7_OptionsAsterisk_Returns200WithoutContentAndChangesNothing(string listener)
    {
        // RFC 9110 §9.3.7: OPTIONS * asks about the server, not a resource; without content, Content-Length: 0 is a MUST.
        var (target, _, host, _) = Request(listener);
        var auditBefore = (await Broker.ReadAuditAsync()).Select(r => r.Hash).ToList();

        var reply = await RawHttp.SendAsync(target, $"OPTIONS * HTTP/1.1\r\nHost: {host}\r\n", []);

        Assert.True(reply.Status == (int)HttpStatusCode.OK, $"{listener}: expected HTTP 200, got {reply}");
        Assert.Contains("\r\nContent-Length: 0\r\n", reply.Text, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", reply.Text, StringComparison.Ordinal);
        Assert.Equal(auditBefore, (await Broker.ReadAuditAsync()).Select(r => r.Hash));

        // Control: OPTIONS of a resource is still routing's, which answers the token endpoint's 405 with Allow.
        var resource = await RawHttp.SendAsync(RawHttp.Tcp(Broker.App.BaseAddress), "OPTIONS /oauth2/token HTTP/1.1\r\nHost: broker\r\n", []);
        Assert.True(resource.Status == (int)HttpStatusCode.MethodNotAllowed, resource.ToString());
        Assert.Contains("\r\nAllow: POST\r\n", resource.Text, StringComparison.Ordinal);
    }

    private static string Headers(byte[] body) => body.Length == 0 ? "" : $"Content-Length: {body.Length}\r\n";

    private (EndPoint Target, string Path, string Host, byte[] Body) Request(string endpoint)
    {
        var broker = RawHttp.Tcp(Broker.App.BaseAddress);
        var admin = RawHttp.Unix(Broker.Options.AdminSocket);
        var workload = RawHttp.Unix(WorkloadSocket);
        var tool = $"Authorization: Bearer {Broker.Svid(TestBroker.RefundsWorkload)}";
        var form = $"Content-Type: application/x-www-form-urlencoded\r\n{tool}";
        return endpoint switch
        {
            "token" => (broker, "/oauth2/token", "broker\r\nContent-Type: application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(RawRequests.ValidExchangeBody(Broker))),
            "introspect" => (broker, "/oauth2/introspect", "broker\r\n" + form, "token=abc"u8.ToArray()),
            "revoke" => (broker, "/oauth2/revoke", "broker\r\n" + form, "token=abc"u8.ToArray()),
            "evidence" => (broker, "/evidence", "broker\r\nContent-Type: application/json", """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass"}"""u8.ToArray()),
            "metadata" => (broker, "/.well-known/oauth-authorization-server", "broker", []),
            "jwks" => (broker, "/.well-known/jwks.json", "broker", []),
            "audit jwks" => (broker, "/audit/jwks", "broker", []),
            "healthz" => (broker, "/healthz", "broker", []),
            "spiffe bundle" => (broker, "/.well-known/spiffe-bundle", "broker", []),
            "admin status" => (admin, "/admin/status", "mandate-admin", []),
            "admin revocations" => (admin, "/admin/revocations", "mandate-admin\r\nContent-Type: application/json", """{"target":"agent","value":"spiffe://acme.example/agents/support"}"""u8.ToArray()),
            "workload jwt" => (workload, "/v1/svid/jwt", "localhost\r\nContent-Type: application/json", """{"audience":"https://api.example"}"""u8.ToArray()),
            "workload bundle" => (workload, "/v1/bundle", "localhost", []),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
    }
}
