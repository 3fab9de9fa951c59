namespace Mandate.Core.Protocol;

/// <summary>
/// A URI's host in its ASCII form (IDNA), to compare hosts however they are spelt. <see cref="Uri"/> parses some hosts
/// it cannot convert (a label IDNA refuses, such as a right-to-left letter among left-to-right ones), and reading
/// <see cref="Uri.IdnHost"/> then throws: from a hostile request or an upstream's header, a 500 instead of a refusal.
/// </summary>
public static class UriHost
{
    /// <summary>The ASCII host, or null when IDNA does not allow it (no server is reachable by that name).</summary>
    public static string? Ascii(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        try
        {
            return uri.IdnHost;
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
