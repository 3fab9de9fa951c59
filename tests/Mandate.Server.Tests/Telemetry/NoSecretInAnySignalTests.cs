using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>
/// Invariant 8 across every signal an operator reads, collected in process: span names, attributes, events and status
/// of every source (Mandate, ASP.NET Core, HttpClient), metric tags, the broker's log lines and the audit records.
/// Each secret a caller can send (subject and actor tokens, DPoP proofs, client assertions and secrets, Authorization
/// headers, tokens in a query string) and each credential issued appears in none, for refused requests as for allowed.
/// </summary>
[Trait("Invariant", "8")]
public sealed class NoSecretInAnySignalTests : TelemetryTest
{
    private readonly Dictionary<string, string[]> _secrets = [];

    [Fact]
    public async Task Invariant8_AllowedAndRefusedRequests_NoSecretInSpansMetricsLogsOrAudit()
    {
        using var dpop = new DpopProofs();
        var tokenUrl = Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";
        var proof = Keep("dpop proof", dpop.Create("POST", tokenUrl, Broker.Now));
        var actor = Keep("actor token", Broker.Svid(SupportAgent));
        var user = Keep("subject token", Broker.UserToken());
        var tool = Keep("tool's identity", Broker.Svid(RefundsWorkload));
        var forged = Keep("forged subject token", HostileTokens.Create(TokenDefect.ForgedSignature, Broker.UserKey, Broker.UserClaims(), Broker.Now));
        var garbled = Keep("malformed actor token", "eyJhbGciOiJFUzI1NiJ9." + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(48)) + "." + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(64)));
        var assertion = Keep("client assertion", Broker.Svid(SupportAgent));
        var clientSecret = Keep("client secret", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var password = Keep("password", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        Keep("basic credentials", Convert.ToBase64String(Encoding.UTF8.GetBytes("support:" + password)));

        var credential = Keep("issued credential", Expect.Issued(await SendAsync("oauth2/token", Fresh(1).ToForm(), r => r.Headers.Add("DPoP", proof))));
        Refused(await SendAsync("oauth2/token", Fresh(2).ToForm(), r => r.Headers.Add("DPoP", proof)));
        Refused(await Broker.ExchangeAsync(Fresh(3) with { SubjectToken = forged }));
        Refused(await Broker.ExchangeAsync(Fresh(4) with { ActorToken = garbled }));
        Refused(await Broker.ExchangeAsync(Fresh(5) with { Tenant = "globex" }));
        Refused(await SendAsync("oauth2/token", Fresh(6).ToForm().Append(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")).Append(new("client_assertion", assertion))));
        Refused(await SendAsync("oauth2/token", Fresh(7).ToForm().Append(new("client_secret", clientSecret))));
        Refused(await SendAsync("oauth2/token", Fresh(8).ToForm(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", _secrets["basic credentials"][0])));
        Refused(await SendAsync("oauth2/token", Fresh(9).ToForm(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential)));
        await SendAsync("oauth2/token?subject_token=" + user + "&actor_token=" + actor, Fresh(10).ToForm());
        await SendAsync("oauth2/introspect?token=" + credential, [new("token", credential)], r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tool));
        await SendAsync("oauth2/introspect", [new("token", credential)], r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged));
        await SendAsync("no/such/path?access_token=" + credential, []);
        await SendAsync("oauth2/revoke", [new("token", credential)], r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", actor));
        Assert.NotEmpty(Eventually(() => Spans(Server.Telemetry.MandateSpan.Revoke)));

        var signals = new List<(string Where, string Text)>();
        signals.AddRange(AllSpans().SelectMany(SpanTexts));
        signals.AddRange(AllPoints().SelectMany(p => Tags(p.Point).Select(t => ($"metric {p.Metric} tag {t.Key}", t.Value?.ToString() ?? ""))));
        signals.AddRange(Broker.Logs.Lines.Where(EmittedInProduction).Select(l => ("log", l)));
        signals.Add(("audit records", await Broker.AuditTableTextAsync()));

        Assert.Contains(signals, s => s.Text.Contains(IssuedTokens.Read(credential).Id, StringComparison.Ordinal));
        var leaks = from s in signals
                    from secret in _secrets
                    where secret.Value.Any(part => s.Text.Contains(part, StringComparison.Ordinal))
                    select $"{secret.Key} in {s.Where}";
        Assert.Empty(leaks.Distinct());
    }

    /// <summary>The allowed request with identity tokens of its own (kept as secrets), so each refusal is for its own defect, not a replay.</summary>
    private ExchangeRequest Fresh(int n) =>
        Broker.RefundRequest() with { ActorToken = Keep($"actor token {n}", Broker.Svid(SupportAgent)), SubjectToken = Keep($"subject token {n}", Broker.UserToken()) };

    private static void Refused(OAuthReply reply) => Assert.InRange((int)reply.Status, 400, 499);

    /// <summary>Remembers <paramref name="value"/> as a secret: a JWT by its payload and signature, anything else whole.</summary>
    private string Keep(string name, string value)
    {
        var parts = value.Split('.');
        _secrets[name] = parts.Length == 3 ? [parts[1], parts[2]] : [value];
        return value;
    }

    private async Task<OAuthReply> SendAsync(string path, IEnumerable<KeyValuePair<string, string>> form, Action<HttpRequestMessage>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        headers?.Invoke(request);
        return await Broker.SendAsync(request);
    }

    private static IEnumerable<(string, string)> SpanTexts(Activity span)
    {
        var where = $"span {span.Source.Name}/{span.DisplayName}";
        yield return (where + " name", span.DisplayName + " " + span.OperationName);
        yield return (where + " status", span.StatusDescription ?? "");
        foreach (var (key, value) in span.TagObjects)
        {
            yield return ($"{where} attribute {key}", value?.ToString() ?? "");
        }

        foreach (var e in span.Events)
        {
            yield return ($"{where} event {e.Name}", e.Name + " " + string.Join(' ', e.Tags.Select(t => t.Value?.ToString())));
        }
    }

    private static List<KeyValuePair<string, object?>> Tags(OpenTelemetry.Metrics.MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    // The broker pins Microsoft.AspNetCore at Warning whatever its log level (MandateServer); the capture reads every level.
    private static bool EmittedInProduction(string line) =>
        !line.Contains(" Microsoft.AspNetCore", StringComparison.Ordinal)
        || line.StartsWith("Warning", StringComparison.Ordinal) || line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal);
}
