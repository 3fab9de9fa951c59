using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer.Tests.Harness;

/// <summary>Credentials an attacker (or a buggy issuer) might present, built from a real one so only one thing differs.</summary>
internal static class ForgedTokens
{
    public static string Resign(string credential, Action<Dictionary<string, object>> edit, string typ, SigningCredentials key)
    {
        var claims = Claims(credential);
        edit(claims);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = typ,
            SigningCredentials = key,
        });
    }

    /// <summary>The payload of <paramref name="credential"/> as plain CLR values (nested objects stay JsonElement).</summary>
    public static Dictionary<string, object> Claims(string credential)
    {
        var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(credential.Split('.')[1])).RootElement;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in payload.EnumerateObject())
        {
            claims[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Number => p.Value.GetInt64(),
                _ => JsonSerializer.Deserialize<Dictionary<string, object>>(p.Value.GetRawText())!,
            };
        }

        return claims;
    }

    /// <summary>The same header and signature around a different payload.</summary>
    public static string SwapPayload(string credential, Action<Dictionary<string, object>> edit)
    {
        var parts = credential.Split('.');
        var claims = Claims(credential);
        edit(claims);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims))}.{parts[2]}";
    }

    /// <summary><c>alg: none</c>, no signature (RFC 7519 §6 unsecured JWT).</summary>
    public static string Unsigned(string credential)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        return $"{header}.{credential.Split('.')[1]}.";
    }

    /// <summary>
    /// The same payload under a header without <c>typ</c>, signed (ES256) by <paramref name="key"/> as <paramref name="kid"/>:
    /// IdentityModel always writes a <c>typ</c>, so this one is signed by hand.
    /// </summary>
    public static string WithoutTyp(string credential, System.Security.Cryptography.ECDsa key, string kid)
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = "ES256", ["kid"] = kid }));
        var input = header + "." + credential.Split('.')[1];
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), System.Security.Cryptography.HashAlgorithmName.SHA256);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>An HMAC-signed copy (algorithm confusion: the "key" is public knowledge).</summary>
    public static string Hmac(string credential)
    {
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 32))) { KeyId = "hmac" };
        return Resign(credential, _ => { }, "at+jwt", new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
    }
}
