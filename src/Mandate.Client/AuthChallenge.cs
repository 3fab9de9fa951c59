using System.Net.Http.Headers;
using System.Text;

namespace Mandate.Client;

/// <summary>
/// The RFC 6750 §3 parameters of a response's <c>Bearer</c> or <c>DPoP</c> challenge that a client acts on (RFC 9449
/// §7.1: the DPoP scheme's challenge carries the same <c>error</c> and <c>scope</c> parameters).
/// </summary>
internal sealed record AuthChallenge(string? Error, IReadOnlyList<string> Scopes)
{
    public const string Bearer = "Bearer";
    public const string Dpop = "DPoP";

    /// <summary>
    /// The challenge that speaks to <paramref name="credential"/>: for a DPoP-bound one the DPoP challenge, or the
    /// Bearer one when the server sent none; for a bearer credential the Bearer challenge.
    /// </summary>
    public static AuthChallenge? For(HttpResponseMessage response, IssuedCredential credential) =>
        credential.IsDpopBound ? From(response, Dpop) ?? From(response, Bearer) : From(response, Bearer);

    /// <summary>The first challenge of <paramref name="scheme"/> (compared case-insensitively, RFC 9110 §11.1), or null.</summary>
    public static AuthChallenge? From(HttpResponseMessage response, string scheme)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (string.Equals(challenge.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
            {
                var parameters = Parse(challenge.Parameter ?? "");
                // A token the server could not have meant as one scope is not asked for.
                var scopes = parameters.GetValueOrDefault("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(ScopeParameter.IsToken).ToArray() ?? [];
                return new AuthChallenge(parameters.GetValueOrDefault("error"), scopes);
            }
        }

        return null;
    }

    /// <summary>RFC 9110 §11.2 auth-params: <c>name=token</c> or <c>name="quoted \"string\""</c>, comma separated; the first of a name wins.</summary>
    internal static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] is ' ' or '\t' or ','))
            {
                i++;
            }

            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var name = text[i..equals].Trim();
            i = equals + 1;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                }

                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++)
                {
                    value.Append(text[i]);
                }
            }

            result.TryAdd(name, value.ToString().Trim());
        }

        return result;
    }
}
