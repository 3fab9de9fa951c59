using System.Net.Http.Headers;
using System.Text;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Proxy;
using Mandate.Testing;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Invariant 7 (and 8) as a property over seeded hostile input: whatever a client sends (quotes, backslashes,
/// non-ASCII, controls, in parameter names, values and headers), every refusal on every path of the broker
/// (token, introspection, revocation, DPoP, proxy) keeps error and error_description within RFC 6749 §5.2's
/// set, keeps WWW-Authenticate challenges well-formed (RFC 6750 §3), echoes none of the input and is never a 5xx.
/// </summary>
[Trait("Invariant", "7")]
public sealed class ErrorTextTests : ProxyTest
{
    private const int Cases = 120;

    private static readonly string[] ExchangeParameters =
    [
        "grant_type", "subject_token", "subject_token_type", "actor_token", "actor_token_type", "resource", "audience", "scope",
        "tenant", "run", "requested_token_type", "requested_lifetime", "authorization_details", "evidence_subject", "auth_req_id",
    ];

    private string TokenUrl => new Uri(Broker.App.BaseAddress, "oauth2/token").ToString();

    [Fact]
    public async Task Invariant7_TokenEndpointHostileParameters_ErrorTextStaysInTheRfc6749Set()
    {
        var hostile = new HostileText(6749);
        for (var i = 0; i < Cases; i++)
        {
            var form = Form(Broker.RefundRequest().ToForm());
            var body = (i % 4) switch
            {
                // RFC 6749 §3.2: a repeated parameter is refused, and its (hostile) name is not echoed.
                0 => WithRepeated(form, hostile.Next()),
                1 => WithValue(form, hostile.Pick(ExchangeParameters), hostile.Next()),
                2 => WithRepeated(form, hostile.Pick(ExchangeParameters), hostile.Next()),
                _ => form + "&" + Escape(hostile.Next()) + "=" + Escape(hostile.Next()) + "&grant_type=" + Escape(hostile.Next()),
            };
            var contentType = i % 9 == 0 ? "application/x-www-form-urlencoded; charset=" + hostile.NextAscii().Replace("\"", "", StringComparison.Ordinal) : "application/x-www-form-urlencoded";

            AssertWellFormed($"token #{i}", await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", Encoding.UTF8.GetBytes(body), contentType));
        }
    }

    [Fact]
    public async Task Invariant7_TokenEndpointHostileDpopProofs_ErrorTextStaysInTheRfc6749Set()
    {
        var hostile = new HostileText(9449);
        using var key = new DpopProofs();
        for (var i = 0; i < Cases; i++)
        {
            var proof = (i % 4) switch
            {
                0 => hostile.NextAscii(),
                1 => key.Create(hostile.Next(), TokenUrl, Broker.Now),
                2 => key.Create("POST", hostile.Next(), Broker.Now, jti: hostile.Next()),
                _ => key.Create("POST", TokenUrl, Broker.Now, nonce: hostile.Next(), typ: hostile.Next()),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm()) };
            request.Headers.TryAddWithoutValidation("DPoP", proof);

            AssertWellFormed($"DPoP #{i}", await Broker.SendAsync(request));
        }
    }

    [Theory]
    [InlineData("oauth2/introspect")]
    [InlineData("oauth2/revoke")]
    public async Task Invariant7_WorkloadEndpointsHostileCallers_ErrorTextStaysInTheRfc6749Set(string path)
    {
        var hostile = new HostileText(path.Length);
        var tool = Broker.Svid(TestBroker.RefundsWorkload);
        for (var i = 0; i < Cases; i++)
        {
            var (authorization, body) = (i % 5) switch
            {
                0 => ("Bearer " + hostile.NextAscii(), "token=x"),
                1 => (hostile.NextAscii(), "token=x"),
                2 => ("Bearer " + tool, "token=x&" + Escape(hostile.Next()) + "=1&" + Escape(hostile.Next()) + "=1&token_type_hint=" + Escape(hostile.Next())),
                3 => ("Bearer " + tool, WithRepeated("token=x", hostile.Next())),
                _ => ("Bearer " + tool, "token=" + Escape(hostile.Next()) + "&token_type_hint=" + Escape(hostile.Next())),
            };

            AssertWellFormed($"{path} #{i}", await RawRequests.SendAsync(Broker, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded", authorization: authorization));
        }
    }

    [Fact]
    public async Task Invariant7_ProxyHostileRequests_ProblemAndChallengeStayInTheRfc6749Set()
    {
        var hostile = new HostileText(9457);
        var credential = await StripeCredentialAsync();
        for (var i = 0; i < Cases; i++)
        {
            var (path, scheme, token) = (i % 5) switch
            {
                0 => (Escape(hostile.Next()) + "/v1/charges/1", "Bearer", credential),
                1 => ("stripe/v2/" + Escape(hostile.Next()), "Bearer", credential),
                2 => ("stripe/v1/charges/1", "Bearer", hostile.NextAscii()),
                3 => ("stripe/v1/charges/1", "DPoP", hostile.NextAscii()),
                _ => ("stripe/v1/charges/1", hostile.NextAscii().Replace(" ", "", StringComparison.Ordinal), credential),
            };
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
            if (i % 3 == 0)
            {
                request.Headers.TryAddWithoutValidation("DPoP", hostile.NextAscii());
            }

            using var response = await Proxy.SendAsync(request);
            var reply = await OAuthReply.ReadAsync(response);
            Assert.True((int)reply.Status < 500, $"proxy #{i}: {reply}");
            AssertWellFormed($"proxy #{i}", reply, response.Headers.TryGetValues("WWW-Authenticate", out var challenges) ? [.. challenges] : []);
        }
    }

    private static void AssertWellFormed(string request, OAuthReply reply, IReadOnlyList<string>? challenges = null)
    {
        Assert.True((int)reply.Status < 500, $"{request}: {reply}");
        if (OAuthTextRules.BodyViolation(reply.MediaType, reply.Body) is { } problem)
        {
            Assert.Fail($"{request}: {problem}");
        }

        foreach (var challenge in challenges ?? (reply.Header("WWW-Authenticate") is { } one ? [one] : []))
        {
            if (OAuthTextRules.ChallengeViolation(challenge) is { } bad)
            {
                Assert.Fail($"{request}: {bad}");
            }
        }
    }

    private static string Form(IEnumerable<KeyValuePair<string, string>> pairs) => string.Join('&', pairs.Select(p => Escape(p.Key) + "=" + Escape(p.Value)));

    private static string Escape(string text) => Uri.EscapeDataString(text);

    private static string WithRepeated(string form, string name, string value = "1") => form + "&" + Escape(name) + "=" + Escape(value) + "&" + Escape(name) + "=" + Escape(value);

    private static string WithValue(string form, string name, string value) =>
        string.Join('&', form.Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal))) + "&" + name + "=" + Escape(value);
}
