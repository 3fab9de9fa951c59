using System.Net;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>
/// The requests RFC 7662 §2.1 and RFC 7009 §2.1 define, sent by an authorised caller in shapes a client should not send:
/// a token value that names no credential is an answer (inactive, or 200), never an error; a hint is only a hint; a
/// request that is not one form with one <c>token</c> is refused and changes nothing.
/// </summary>
public sealed class WorkloadEndpointRequestTests : BrokerTest
{
    public static TheoryData<string> NotACredential => ["not-a-jwt", "tökén€𝄞", " x y ", "padded credential", "20000 characters", "caller's own identity", "user token"];

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("ACCESS_TOKEN")]
    [InlineData("urn:example:unknown")]
    public async Task Introspect_AnyTokenTypeHint_IsOnlyAHintAndTheCredentialIsActive(string hint)
    {
        // RFC 7662 §2.1: a server that cannot locate the token by its hint MUST extend its search to all its token types.
        var token = await Broker.IssueAsync();

        var reply = await Broker.PostFormAsync("oauth2/introspect", [new("token", token), new("token_type_hint", hint)], Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(reply));
        Assert.Equal(IssuedTokens.Read(token).Id, reply.Member("jti"));
    }

    [Theory]
    [MemberData(nameof(NotACredential))]
    public async Task Invariant8_Introspect_TokenValueThatIsNoCredential_ReturnsInactive_RecordingTheRejectionWithoutTheValue(string kind)
    {
        var token = await Broker.IssueAsync();
        var value = TokenValue(kind, token);

        var reply = await Broker.IntrospectAsync(value, Broker.Svid(RefundsWorkload));

        // RFC 7662 §2.2: for a token that is not active or does not exist the server MUST answer active false; §2.3: an
        // invalid token in an authorised request is not an error response.
        IntrospectionReply.AssertInactive(reply);
        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Introspection));
        Assert.Equal(("rejected", null, RefundsWorkload), (record.Outcome, record.Jti, record.Evidence["by"]));
        Assert.DoesNotContain(value.Trim(), await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    [Theory]
    [MemberData(nameof(NotACredential))]
    public async Task Revoke_TokenValueThatIsNoCredential_Returns200AndRevokesNothing(string kind)
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.RevokeAsync(TokenValue(kind, token), Broker.Svid(SupportAgent)));

        // RFC 7009 §2.2: 200 also when the client submitted an invalid token; there is nothing to revoke.
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    [Theory]
    [InlineData("oauth2/introspect", "token")]
    [InlineData("oauth2/introspect", "token_type_hint")]
    [InlineData("oauth2/revoke", "token")]
    [InlineData("oauth2/revoke", "token_type_hint")]
    public async Task Invariant7_ParameterRepeated_Returns400InvalidRequestAndChangesNothing(string path, string parameter)
    {
        // RFC 6749 §3.2, whose request conventions RFC 7662 §2.1 and RFC 7009 §2.1 use: parameters MUST NOT be included more than once.
        var token = await Broker.IssueAsync();
        KeyValuePair<string, string>[] form = parameter == "token"
            ? [new("token", token), new("token", token)]
            : [new("token", token), new(parameter, "access_token"), new(parameter, "access_token")];

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.PostFormAsync(path, form, Broker.Svid(SupportAgent)));

        Expect.Refused(reply, "invalid_request", parameter);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    [Theory]
    [InlineData("oauth2/introspect", "application/json")]
    [InlineData("oauth2/introspect", "text/plain")]
    [InlineData("oauth2/introspect", null)]
    [InlineData("oauth2/revoke", "application/json")]
    [InlineData("oauth2/revoke", "multipart/form-data; boundary=x")]
    [InlineData("oauth2/revoke", null)]
    public async Task Invariant7_BodyThatIsNotAForm_Returns415InvalidRequestAndChangesNothing(string path, string? contentType)
    {
        // RFC 7662 §2.1 and RFC 7009 §2.1: the parameters are sent in the application/x-www-form-urlencoded format.
        var token = await Broker.IssueAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("token=" + token)) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        request.Headers.Authorization = new("Bearer", Broker.Svid(SupportAgent));

        var reply = await Broker.AssertAuditUnchangedAsync(() => Broker.SendAsync(request));

        Assert.True(reply.Status == HttpStatusCode.UnsupportedMediaType && reply.IsJson, reply.ToString());
        Assert.Equal("invalid_request", reply.Error);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    private string TokenValue(string kind, string credential) => kind switch
    {
        "padded credential" => " " + credential + " ",
        "20000 characters" => new string('a', 20_000),
        "caller's own identity" => Broker.Svid(RefundsWorkload),
        "user token" => Broker.UserToken(),
        _ => kind,
    };
}
