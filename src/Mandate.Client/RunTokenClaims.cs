using System.Text;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>Reads the run id out of a run token. Display only: the broker verifies every token it receives.</summary>
internal static class RunTokenClaims
{
    public static string RunId(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new MandateErrorException("invalid_response", "the broker returned a run token that is not a JWT", 0);
        }

        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return json.RootElement.TryGetProperty("txn", out var txn) && txn.GetString() is { } id
            ? id
            : throw new MandateErrorException("invalid_response", "the run token has no txn claim", 0);
    }
}
