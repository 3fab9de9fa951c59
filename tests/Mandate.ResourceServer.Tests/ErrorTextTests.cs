using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.Testing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// RFC 6750 §3 as a property over seeded hostile input: whatever a caller presents (hostile Authorization and
/// DPoP headers, credentials signed by the broker whose claims hold quotes, backslashes, controls or non-ASCII),
/// every challenge the library writes is well-formed, its quoted values and the JSON error_description stay within
/// %x20-21 / %x23-5B / %x5D-7E, no header the caller sent is echoed, and nothing is a 5xx.
/// </summary>
public sealed class ErrorTextTests : ToolTest
{
    private const int Cases = 120;

    private static readonly string[] Claims = ["scope", "tenant", "sub", "aud", "client_id", "run", "jti", "iss"];

    [Fact]
    public async Task Invariant7_HostileCallers_ChallengesAndDescriptionsStayInTheRfc6750Set()
    {
        var hostile = new HostileText(6750);
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        using var key = new DpopProofs();
        for (var i = 0; i < Cases; i++)
        {
            var (scheme, token, proof) = (i % 6) switch
            {
                0 => ("Bearer", hostile.NextAscii(), null),
                1 => ("DPoP", hostile.NextAscii(), hostile.NextAscii()),
                2 => ("DPoP", credential, key.Create(hostile.Next(), hostile.Next(), Harness.Clock.GetUtcNow(), jti: hostile.Next())),
                3 => ("Bearer", Harness.Forge(credential, c => c[hostile.Pick(Claims)] = hostile.Next()), null),
                4 => ("Bearer", Harness.Forge(credential, c => c["act"] = new Dictionary<string, object> { ["sub"] = hostile.Next() }), null),
                _ => ("Bearer", Harness.Forge(credential, c => c["scope"] = "refunds:read " + hostile.Next(), typ: hostile.Next()), null),
            };

            var reply = await Refunds.SendAsync(HttpMethod.Post, "/refunds", token, scheme, RefundBody, r =>
            {
                if (proof is not null)
                {
                    r.Headers.TryAddWithoutValidation("DPoP", proof);
                }
            });

            Assert.True(reply.Status < 500, $"#{i}: {reply.Status} {reply.Body}");
            // Headers are the caller's raw input and must never come back; claims of a broker-signed credential may be
            // named (the broker only signs scopes and names within RFC 6749 section 3.3's set), but only in the allowed set.
            var echoChecked = i % 6 < 3;
            foreach (var challenge in reply.Challenges)
            {
                Assert.True(OAuthTextRules.ChallengeViolation(challenge, echoChecked) is null, $"#{i}: {OAuthTextRules.ChallengeViolation(challenge, echoChecked)}");
            }

            var body = OAuthTextRules.BodyViolation(reply.Status >= 400 && reply.Body.Length > 0 ? "application/json" : null, reply.Body, echoChecked);
            Assert.True(body is null, $"#{i}: {body}");
        }
    }
}
