namespace Mandate.Policy;

/// <summary>
/// A compiled agent pattern: an exact SPIFFE ID, or one with whole-segment wildcards in the path.
/// <c>*</c> matches exactly one non-empty segment; <c>**</c> (last segment only) matches one or
/// more segments. The trust domain is always literal: a wildcard there would let any federated
/// domain name itself into the rule.
/// </summary>
internal sealed class AgentPattern
{
    private const string Scheme = "spiffe://";

    private readonly string[] _segments;

    private AgentPattern(string text, string trustDomain, string[] segments, bool isExact)
    {
        Text = text;
        TrustDomain = trustDomain;
        _segments = segments;
        IsExact = isExact;
    }

    public string Text { get; }

    public string TrustDomain { get; }

    /// <summary>True when the pattern has no wildcard, so it can be looked up by equality.</summary>
    public bool IsExact { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string text, out AgentPattern? pattern, out string? error)
    {
        pattern = null;
        error = Validate(text);
        if (error is not null)
        {
            return false;
        }

        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var trustDomain = slash < 0 ? rest : rest[..slash];
        var segments = slash < 0 ? [] : rest[(slash + 1)..].Split('/');
        var isExact = !text.Contains('*', StringComparison.Ordinal);
        pattern = new AgentPattern(text, trustDomain, segments, isExact);
        return true;
    }

    /// <summary>True when <paramref name="agent"/> (a SPIFFE ID) matches. Allocation-free.</summary>
    public bool Matches(string agent)
    {
        if (IsExact)
        {
            return string.Equals(agent, Text, StringComparison.Ordinal);
        }

        var rest = agent.AsSpan();
        if (!rest.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        rest = rest[Scheme.Length..];
        var hasMore = NextSegment(ref rest, out var trustDomain);
        if (!trustDomain.SequenceEqual(TrustDomain))
        {
            return false;
        }

        foreach (var expected in _segments)
        {
            if (!hasMore)
            {
                return false;
            }

            if (expected == "**")
            {
                return AreSpiffeSegments(rest);
            }

            hasMore = NextSegment(ref rest, out var segment);
            var matches = expected == "*" ? IsSpiffeSegment(segment) : segment.SequenceEqual(expected);
            if (!matches)
            {
                return false;
            }
        }

        return !hasMore;
    }

    public override string ToString() => Text;

    /// <summary>Takes the text up to the next '/'; returns whether another segment follows.</summary>
    private static bool NextSegment(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> segment)
    {
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            segment = rest;
            rest = [];
            return false;
        }

        segment = rest[..slash];
        rest = rest[(slash + 1)..];
        return true;
    }

    // A wildcard stands for SPIFFE path segments only, so it never matches what no SPIFFE ID holds ('..', '', '%2e').
    private static bool AreSpiffeSegments(ReadOnlySpan<char> rest)
    {
        foreach (var range in rest.Split('/'))
        {
            if (!IsSpiffeSegment(rest[range]))
            {
                return false;
            }
        }

        return true;
    }

    // SPIFFE ID spec §2.2: path segments are letters, digits, '.', '-' and '_', never empty, '.' or '..'.
    private static bool IsSpiffeSegment(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty || segment is "." or "..")
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Validate(string text)
    {
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return "must be a SPIFFE ID starting with 'spiffe://'";
        }

        var parts = text[Scheme.Length..].Split('/');
        if (parts[0].Length == 0)
        {
            return "has no trust domain after 'spiffe://'";
        }

        if (parts[0].Contains('*', StringComparison.Ordinal))
        {
            return "has a wildcard in the trust domain; only path segments may be wildcards";
        }

        // SPIFFE ID spec §2.1: trust domains are lowercase letters, digits, '.', '-' and '_'.
        if (!parts[0].All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
        {
            return $"has an invalid trust domain '{parts[0]}' (lowercase letters, digits, '.', '-', '_')";
        }

        for (var i = 1; i < parts.Length; i++)
        {
            var error = ValidateSegment(parts[i], isLast: i == parts.Length - 1);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? ValidateSegment(string segment, bool isLast)
    {
        if (segment.Length == 0)
        {
            return "has an empty path segment ('//' or a trailing '/')";
        }

        if (segment == "**")
        {
            return isLast ? null : "uses '**' before the last segment; '**' may only end a pattern";
        }

        if (segment == "*")
        {
            return null;
        }

        if (segment.Contains('*', StringComparison.Ordinal))
        {
            return $"has '*' inside segment '{segment}'; a wildcard must be a whole segment ('*' or '**')";
        }

        if (!IsSpiffeSegment(segment))
        {
            return $"has an invalid path segment '{segment}' (letters, digits, '.', '-', '_')";
        }

        return null;
    }
}
