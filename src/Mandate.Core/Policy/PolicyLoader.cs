using System.Security.Cryptography;
using System.Text;

namespace Mandate.Core.Policy;

/// <summary>
/// Reads policy YAML into a <see cref="PolicySnapshot"/>, or reports every problem in it with its
/// line and column. Never throws for bad policy content; the file variants report unreadable
/// files as problems too, so a reload can keep the old policy and say why.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Largest policy accepted, in bytes (4 MiB); a thousand rules take well under 1 MiB.</summary>
    public const int MaxPolicyBytes = 4 * 1024 * 1024;

    // Read in chunks up to the cap instead of trusting the length: the file may grow while we read.
    private const int ChunkBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses policy text. The version hashes the text's UTF-8 encoding.</summary>
    /// <param name="yaml">The policy.</param>
    /// <param name="sourcePath">The file it came from, for problem locations.</param>
    /// <param name="knownTools">The configured tool names; when given, a rule naming any other tool is a problem.</param>
    public static PolicyLoadResult Parse(string yaml, string? sourcePath = null, IReadOnlyCollection<string>? knownTools = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return Parse(Encoding.UTF8.GetBytes(yaml), sourcePath, knownTools);
    }

    /// <summary>Parses policy bytes (UTF-8, optional BOM). The version hashes exactly these bytes.</summary>
    /// <param name="utf8">The policy.</param>
    /// <param name="sourcePath">The file it came from, for problem locations.</param>
    /// <param name="knownTools">The configured tool names; when given, a rule naming any other tool is a problem.</param>
    public static PolicyLoadResult Parse(ReadOnlySpan<byte> utf8, string? sourcePath = null, IReadOnlyCollection<string>? knownTools = null)
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

    /// <summary>Reads and parses a policy file. For startup; reloads use <see cref="LoadFileAsync(string, IReadOnlyCollection{string}?, CancellationToken)"/>.</summary>
    public static PolicyLoadResult LoadFile(string path, IReadOnlyCollection<string>? knownTools = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var stream = OpenShared(path, FileOptions.None);
            var buffer = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > MaxPolicyBytes)
                {
                    return TooLarge(path);
                }

                buffer.Write(chunk, 0, read);
            }

            return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), path, knownTools);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(path, e);
        }
    }

    /// <summary>Reads and parses a policy file without blocking a thread on I/O.</summary>
    public static Task<PolicyLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken = default) =>
        LoadFileAsync(path, knownTools: null, cancellationToken);

    /// <summary>Reads and parses a policy file, refusing rules that name a tool outside <paramref name="knownTools"/> (when given).</summary>
    public static async Task<PolicyLoadResult> LoadFileAsync(string path, IReadOnlyCollection<string>? knownTools, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            await using var stream = OpenShared(path, FileOptions.Asynchronous);
            var buffer = new MemoryStream();
            var chunk = new byte[ChunkBytes];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxPolicyBytes)
                {
                    return TooLarge(path);
                }

                buffer.Write(chunk, 0, read);
            }

            return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), path, knownTools);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(path, e);
        }
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

    // Editors and config-map updaters may hold the file open or replace it while we read.
    private static FileStream OpenShared(string path, FileOptions options) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, options);

    private static PolicyLoadResult TooLarge(string path) =>
        Failed([new(string.Empty, 0, 0, $"the policy file is larger than {MaxPolicyBytes} bytes")], version: null, path);

    private static PolicyLoadResult Unreadable(string path, Exception e) =>
        Failed([new(string.Empty, 0, 0, $"cannot read the policy file: {e.Message}")], version: null, path);

    private static PolicyLoadResult Failed(List<PolicyProblem> problems, string? version, string? sourcePath) => new()
    {
        Problems = [.. problems.OrderBy(p => p.Line).ThenBy(p => p.Column).Select(p => p with { File = sourcePath })],
        Version = version,
        SourcePath = sourcePath,
    };
}
