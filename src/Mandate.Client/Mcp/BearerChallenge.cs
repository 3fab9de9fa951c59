using System.Net.Http.Headers;
using System.Text;

namespace Mandate.Client;

/// <summary>The RFC 6750 §3 parameters of a response's <c>Bearer</c> challenge that a client acts on.</summary>
internal sealed record BearerChallenge(string? Error, IReadOnlyList<string> Scopes)
{
    /// <summary>The first Bearer challenge of the response, or null when there is none.</summary>
    public static BearerChallenge? From(HttpResponseMessage response)
    {
        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                var parameters = Parse(challenge.Parameter ?? "");
                // A token the server could not have meant as one scope is not asked for.
                var scopes = parameters.GetValueOrDefault("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(ScopeParameter.IsToken).ToArray() ?? [];
                return new BearerChallenge(parameters.GetValueOrDefault("error"), scopes);
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
