using System.Security.Cryptography;
using System.Text;

namespace Mandate.Policy;

/// <summary>
/// Reads policy YAML into a <see cref="PolicySnapshot"/>, or reports every problem in it with its
/// line and column. Never throws for bad policy content. Pure: the caller reads the bytes.
/// </summary>
public static class PolicyParser
{
    /// <summary>Largest policy accepted, in bytes (4 MiB); a thousand rules take well under 1 MiB.</summary>
    public const int MaxPolicyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Most problems one load reports (100); past them reading stops and one more line says so, so a file with a
    /// million mistakes fails as fast and as small as one with a hundred.
    /// </summary>
    public const int MaxProblems = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses policy text. The version hashes the text's UTF-8 encoding.</summary>
    /// <param name="yaml">The policy.</param>
    /// <param name="sourcePath">The file it came from, for problem locations.</param>
    /// <param name="knownTools">The configured tools; when given, a rule naming any other tool is a problem.</param>
    public static PolicyLoadResult Parse(string yaml, string? sourcePath = null, PolicyToolCatalog? knownTools = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return Parse(Encoding.UTF8.GetBytes(yaml), sourcePath, knownTools);
    }

    /// <summary>Parses policy bytes (UTF-8, optional BOM). The version hashes exactly these bytes.</summary>
    /// <param name="utf8">The policy.</param>
    /// <param name="sourcePath">The file it came from, for problem locations.</param>
    /// <param name="knownTools">The configured tools; when given, a rule naming any other tool is a problem.</param>
    public static PolicyLoadResult Parse(ReadOnlySpan<byte> utf8, string? sourcePath = null, PolicyToolCatalog? knownTools = null)
    {
        var version = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(utf8));
        var problems = new List<PolicyProblem>();
        var rules = new List<PolicyRule>();
        var text = Decode(utf8, problems);
        if (text is not null)
        {
            var root = PolicyYamlReader.Read(text, problems);
            if (root is not null)
            {
                rules = PolicyDocumentReader.Read(root, problems);
                if (knownTools is not null)
                {
                    PolicyToolReferences.Check(root, knownTools, problems);
                }
            }
        }

        if (problems.Count > 0)
        {
            return Failed(problems, version, sourcePath);
        }

        return new PolicyLoadResult
        {
            Snapshot = new PolicySnapshot(rules, version, sourcePath),
            Version = version,
            SourcePath = sourcePath,
        };
    }

    private static string? Decode(ReadOnlySpan<byte> utf8, List<PolicyProblem> problems)
    {
        if (utf8.Length > MaxPolicyBytes)
        {
            problems.Add(new(string.Empty, 0, 0, $"the policy is larger than {MaxPolicyBytes} bytes"));
            return null;
        }

        var bom = Encoding.UTF8.Preamble;
        if (utf8.StartsWith(bom))
        {
            utf8 = utf8[bom.Length..];
        }

        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            problems.Add(new(string.Empty, 0, 0, "the policy is not valid UTF-8"));
            return null;
        }
    }

    /// <summary>
    /// A failed load: the problems ordered by position, each naming <paramref name="sourcePath"/>; past
    /// <see cref="MaxProblems"/>, the first of them and a last line saying the read stopped.
    /// </summary>
    public static PolicyLoadResult Failed(IEnumerable<PolicyProblem> problems, string? version, string? sourcePath)
    {
        var ordered = problems.OrderBy(p => p.Line).ThenBy(p => p.Column).Select(p => p with { File = sourcePath }).ToList();
        if (ordered.Count > MaxProblems)
        {
            ordered.RemoveRange(MaxProblems, ordered.Count - MaxProblems);
            ordered.Add(new PolicyProblem(string.Empty, 0, 0, $"stopped after {MaxProblems} problems; fix these and check the file again") { File = sourcePath });
        }

        return new() { Problems = ordered, Version = version, SourcePath = sourcePath };
    }

    /// <summary>True once a load has found more problems than it reports: every reader stops there.</summary>
    internal static bool TooMany(List<PolicyProblem> problems) => problems.Count > MaxProblems;
}
