namespace Mandate.Core.Protocol;

/// <summary>SPIFFE ID syntax checks (SPIFFE-ID spec §2): <c>spiffe://trust-domain/path</c>, no query, fragment, port or userinfo.</summary>
public static class SpiffeId
{
    public const string Scheme = "spiffe://";

    /// <summary>The longest trust domain name, in characters (all ASCII).</summary>
    public const int MaxTrustDomainLength = 255;

    public static bool IsValid(string? value) => TryGetTrustDomain(value, out _);

    /// <summary>
    /// True when <paramref name="value"/> is a valid SPIFFE ID with a path, so it names a workload (the bare trust domain
    /// ID names none, SPIFFE-ID §2.2); gives its trust domain.
    /// </summary>
    public static bool TryGetWorkloadTrustDomain(string? value, out string trustDomain) =>
        TryGetTrustDomain(value, out trustDomain) && value!.Length > Scheme.Length + trustDomain.Length;

    /// <summary>True when <paramref name="value"/> is a syntactically valid SPIFFE ID; gives its trust domain.</summary>
    public static bool TryGetTrustDomain(string? value, out string trustDomain)
    {
        trustDomain = "";
        if (value is null || value.Length > 2048 || !value.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = value.AsSpan(Scheme.Length);
        var slash = rest.IndexOf('/');
        var domain = slash < 0 ? rest : rest[..slash];
        if (domain.IsEmpty || !IsValidTrustDomain(domain))
        {
            return false;
        }

        if (slash >= 0)
        {
            var path = rest[slash..];
            if (path.Length == 1 || path.EndsWith("/"))
            {
                return false;
            }

            foreach (var segment in path[1..].ToString().Split('/'))
            {
                if (segment.Length == 0 || segment == "." || segment == ".." || !segment.All(IsPathChar))
                {
                    return false;
                }
            }
        }

        trustDomain = domain.ToString();
        return true;
    }

    public static bool IsValidTrustDomain(ReadOnlySpan<char> domain)
    {
        // SPIFFE-ID §2.3: the trust domain is the URI's host, and RFC 3986 limits a host to 255 bytes.
        if (domain.Length > MaxTrustDomainLength)
        {
            return false;
        }

        foreach (var c in domain)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_'))
            {
                return false;
            }
        }

        return !domain.IsEmpty;
    }

    private static bool IsPathChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' or '_';
}
