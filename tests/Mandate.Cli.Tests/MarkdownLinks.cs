using System.Text;
using System.Text.RegularExpressions;

namespace Mandate.Cli.Tests;

/// <summary>
/// Relative links of a Markdown file, and whether each resolves: the file exists and, for <c>#anchor</c>, a heading
/// of the target has that GitHub-style id. Links inside fenced code blocks and inline code are not links.
/// </summary>
internal static partial class MarkdownLinks
{
    /// <summary>Every broken relative link of <paramref name="file"/>, as "file:line: target (why)".</summary>
    public static IEnumerable<string> Broken(string file, string root)
    {
        var lines = File.ReadAllLines(file);
        var fenced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (fenced)
            {
                continue;
            }

            foreach (Match link in Link().Matches(InlineCode().Replace(lines[i], "")))
            {
                var target = link.Groups["target"].Value;
                if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "mailto")
                {
                    continue;
                }

                var why = Check(file, target);
                if (why is not null)
                {
                    yield return $"{Path.GetRelativePath(root, file)}:{i + 1}: {target} ({why})";
                }
            }
        }
    }

    /// <summary>GitHub's heading id: lower case, punctuation dropped, spaces become hyphens; repeats get -1, -2, ...</summary>
    public static HashSet<string> Anchors(string markdownFile)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var fenced = false;
        foreach (var line in File.ReadLines(markdownFile))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (fenced || Heading().Match(line) is not { Success: true } heading)
            {
                continue;
            }

            var slug = Slug(heading.Groups["text"].Value);
            var unique = slug;
            for (var n = 1; !anchors.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    public static string Slug(string heading)
    {
        var text = new StringBuilder();
        foreach (var c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                text.Append(c);
            }
            else if (c == ' ')
            {
                text.Append('-');
            }
        }

        return text.ToString();
    }

    private static string? Check(string file, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
        var resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            return "no such file";
        }

        if (anchor is null)
        {
            return null;
        }

        if (!resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return "an anchor into a file that is not Markdown";
        }

        return Anchors(resolved).Contains(anchor) ? null : $"no heading with id '{anchor}' in {Path.GetFileName(resolved)}";
    }

    // [text](target) and ![alt](target); a title after the target ("...") is allowed.
    [GeneratedRegex("""!?\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+"[^"]*")?\)""")]
    private static partial Regex Link();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("^#{1,6}\\s+(?<text>.+?)\\s*#*\\s*$")]
    private static partial Regex Heading();
}
