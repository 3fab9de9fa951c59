namespace Mandate.Core.Spiffe;

/// <summary>
/// A path with every symbolic link along it followed, as <c>realpath(3)</c> gives it and as <c>/proc/&lt;pid&gt;/exe</c>
/// names a running executable. A <c>unix:path</c> selector naming a link (<c>/bin/ls</c> on a merged-/usr system,
/// <c>/usr/bin/python3</c>) would never match, so an entry is checked against it when it is created.
/// </summary>
public static class ResolvedPath
{
    // Links followed before giving up, as the kernel's ELOOP.
    private const int MaxLinks = 40;

    /// <summary>The resolved form of the absolute <paramref name="path"/>, or null when it does not exist here (or loops).</summary>
    public static string? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pending = new Queue<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = "/";
        var links = 0;
        while (pending.TryDequeue(out var segment))
        {
            if (segment is "." or "..")
            {
                resolved = segment == "." ? resolved : Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var next = Path.Join(resolved, segment);
            if (!File.Exists(next) && !Directory.Exists(next))
            {
                return null;
            }

            if (new FileInfo(next).LinkTarget is not { } target)
            {
                resolved = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            // The link's target takes its place; a relative target is read from the link's own folder.
            var rest = pending.ToArray();
            pending = new Queue<string>(target.Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
            resolved = target.StartsWith('/') ? "/" : resolved;
        }

        return resolved;
    }
}
