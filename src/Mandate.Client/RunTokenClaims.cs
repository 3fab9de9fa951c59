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

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("txn", out var txn)
                && txn.ValueKind == JsonValueKind.String && txn.GetString() is { Length: > 0 } id)
            {
                return id;
            }
        }
        catch (FormatException)
        {
            throw NotJson();
        }
        catch (JsonException)
        {
            throw NotJson();
        }

        throw new MandateErrorException("invalid_response", "the run token has no txn claim", 0);
    }

    private static MandateErrorException NotJson() =>
        new("invalid_response", "the broker returned a run token whose payload is not base64url JSON", 0);
}
