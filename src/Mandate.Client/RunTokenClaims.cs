using System.Text.Json;

namespace Mandate.Client;

/// <summary>Reads the run id out of a run token. Display only: the broker verifies every token it receives.</summary>
internal static class RunTokenClaims
{
    public static string RunId(string token)
    {
        if (token.Split('.').Length != 3)
        {
            throw new MandateErrorException("invalid_response", "the broker returned a run token that is not a JWT", 0);
        }

        using var json = JwtPayload.TryRead(token)
            ?? throw new MandateErrorException("invalid_response", "the broker returned a run token whose payload is not base64url JSON", 0);
        if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("txn", out var txn)
            && txn.ValueKind == JsonValueKind.String && txn.GetString() is { Length: > 0 } id)
        {
            return id;
        }

        throw new MandateErrorException("invalid_response", "the run token has no txn claim", 0);
    }
}
