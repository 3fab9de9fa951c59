using System.Net;

namespace Mandate.Server.Tests.Harness;

/// <summary>Assertions on OAuth answers that print the whole answer when they fail.</summary>
internal static class Expect
{
    /// <summary>RFC 6749 §5.2 as the host maps it: 401 for invalid_client, 503 when it cannot record, else 400.</summary>
    public static HttpStatusCode StatusFor(string error) => error switch
    {
        "invalid_client" => HttpStatusCode.Unauthorized,
        "temporarily_unavailable" => HttpStatusCode.ServiceUnavailable,
        _ => HttpStatusCode.BadRequest,
    };

    /// <summary>A refusal with exactly <paramref name="error"/>, no token, and a description naming each of <paramref name="reasons"/>.</summary>
    public static void Refused(OAuthReply reply, string error, params string[] reasons)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Assert.True(reply.Status == StatusFor(error), $"expected HTTP {(int)StatusFor(error)} {error}, got {reply}");
        Assert.True(reply.IsJson, $"expected a JSON error body, got {reply}");
        Assert.Equal(error, reply.Error);
        Assert.False(reply.Json.TryGetProperty("access_token", out _), reply.ToString());
        foreach (var reason in reasons)
        {
            Assert.Contains(reason, reply.Description, StringComparison.Ordinal);
        }
    }

    /// <summary>A successful exchange; returns the access token.</summary>
    public static string Issued(OAuthReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Assert.True(reply.Status == HttpStatusCode.OK, $"expected a credential, got {reply}");
        return reply.AccessToken ?? throw new Xunit.Sdk.XunitException($"no access_token in {reply}");
    }
}
