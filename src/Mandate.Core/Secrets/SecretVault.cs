using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Core.Secrets;

/// <summary>
/// Tools' static secrets (R11: the agent asks for capability, not secrets). Set and deleted by operators,
/// opened only by the egress proxy. Every change is audited with metadata only; the value never leaves
/// except into the proxied request's header. Each value is sealed to its tool and its version, so a sealed
/// value put back over a newer row (a rotated-out key) does not open for the row's version and is refused.
/// </summary>
public sealed partial class SecretVault
{
    /// <summary>Largest secret accepted, in bytes (API keys are far smaller; this bounds header size).</summary>
    public const int MaxSecretBytes = 4096;

    /// <summary>Shortest secret accepted, in bytes (the proxy masks it in responses; short values would mask ordinary text).</summary>
    public const int MinSecretBytes = 8;

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly IMandateStore _store;
    private readonly IUnitOfWork _trail;
    private readonly KeyEncryptionKey _kek;
    private readonly Registry _registry;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (StoredSecret? Secret, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    public SecretVault(IMandateStore store, IUnitOfWork trail, KeyEncryptionKey kek, Registry registry, MandateOptions options, TimeProvider time, ILogger<SecretVault>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _store = store;
        _trail = trail;
        _kek = kek;
        _registry = registry;
        _options = options;
        _time = time;
    }

    /// <summary>Why <paramref name="tool"/> cannot hold a secret, or null when it can.</summary>
    public string? CannotHold(string tool) => _registry.FindTool(tool) switch
    {
        null => $"no tool named '{tool}' is configured under tools",
        { Kind: not CredentialKind.Secret } t when t.Name == tool => $"tool '{tool}' is kind {t.Kind.ToString().ToLowerInvariant()}; only kind: secret tools hold a vaulted secret",
        { } t when t.Name != tool => $"name the tool by its name ('{t.Name}'), not its resource",
        _ => null,
    };

    /// <summary>Seals and stores <paramref name="value"/> as the next version of the tool's secret. Throws <see cref="StoreUnavailableException"/>.</summary>
    public async Task<SecretMetadata> SetAsync(string tool, ReadOnlyMemory<byte> value, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var previous = await _store.GetSecretAsync(tool, cancellationToken);
        var version = (previous?.Version ?? 0) + 1;
        var sealedBlob = _kek.Seal(value.Span, AssociatedData(tool, version));
        var secret = new StoredSecret
        {
            Tool = tool,
            Version = version,
            Nonce = sealedBlob[..12],
            Tag = sealedBlob[12..28],
            Ciphertext = sealedBlob[28..],
            CreatedAt = _time.GetUtcNow(),
            CreatedBy = by,
        };
        await _trail.CommitAsync(new StoreBatch(Event("set", secret.Metadata, previous?.Version), secret), cancellationToken);
        _cache.TryRemove(tool, out _);
        return secret.Metadata;
    }

    /// <summary>Deletes the tool's secret; returns what was deleted, or null when there was none.</summary>
    public async Task<SecretMetadata?> DeleteAsync(string tool, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var previous = await _store.GetSecretAsync(tool, cancellationToken);
        if (previous is null)
        {
            return null;
        }

        var deleted = previous.Metadata with { CreatedBy = by, CreatedAt = _time.GetUtcNow() };
        await _trail.CommitAsync(new StoreBatch(Event("deleted", deleted, previous.Version), new SecretDeletion(tool)), cancellationToken);
        _cache.TryRemove(tool, out _);
        return previous.Metadata;
    }

    public Task<IReadOnlyList<SecretMetadata>> ListAsync(CancellationToken cancellationToken) => _store.ListSecretsAsync(cancellationToken);

    /// <summary>
    /// The plaintext for the proxy; <c>Value</c> is null when none is set, and <c>Version</c> is -1 when the row
    /// exists but does not open for its tool and version (another key-encryption key, a row altered or moved from
    /// another tool, or an older sealed value put back over a newer one). The sealed row is cached for a few seconds,
    /// so a change made on another node bites within that; a refusal is logged and audited once per read of the row.
    /// </summary>
    public async Task<(string? Value, int Version)> OpenAsync(string tool, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var fresh = false;
        if (!_cache.TryGetValue(tool, out var cached) || now - cached.ReadAt >= CacheFor || now < cached.ReadAt)
        {
            cached = (await _store.GetSecretAsync(tool, cancellationToken), now);
            _cache[tool] = cached;
            fresh = true;
        }

        if (cached.Secret is not { } s)
        {
            return (null, 0);
        }

        byte[] sealedBlob = [.. s.Nonce, .. s.Tag, .. s.Ciphertext];
        if (TryOpen(sealedBlob, AssociatedData(tool, s.Version)) is { } plain)
        {
            return (plain, s.Version);
        }

        if (TryOpen(sealedBlob, LegacyAssociatedData(tool)) is { } legacy)
        {
            // Sealed before values were bound to their version: still served, and bound at the next 'mandate secrets set'.
            if (fresh)
            {
                LogUnversioned(_logger, tool, s.Version);
            }

            return (legacy, s.Version);
        }

        if (fresh)
        {
            await ReportUnreadableAsync(s, now, cancellationToken);
        }

        return (null, -1);
    }

    /// <summary>
    /// Invariant 8: why <paramref name="text"/>, free text an operator typed as <paramref name="field"/> that the audit trail
    /// would keep for good, cannot be recorded because a vaulted secret appears in it (never which one), or null.
    /// <see cref="OperatorText"/> catches a pasted token by its shape; an API key has none, so it is looked for by value. A
    /// secret that does not open is not looked for (it cannot be compared).
    /// </summary>
    public async Task<string?> TextProblemAsync(string field, string? text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        foreach (var secret in await _store.ListSecretsAsync(cancellationToken))
        {
            if ((await OpenAsync(secret.Tool, cancellationToken)).Value is { } value && text.Contains(value, StringComparison.Ordinal))
            {
                return $"{field} holds a secret from the vault; the audit trail keeps it for good, so name the tool instead of pasting its secret";
            }
        }

        return null;
    }

    // Domain-separated from key sealing (whose associated data is a kid) and from the unversioned form below, and bound
    // to the version as well as the tool: the version comes first and has no ':', so no two (tool, version) pairs meet.
    private static string AssociatedData(string tool, int version) =>
        "secret.v:" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + tool;

    // What values sealed before the version binding carry: the tool only.
    private static string LegacyAssociatedData(string tool) => "secret:" + tool;

    private string? TryOpen(byte[] sealedBlob, string associatedData)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(_kek.Open(sealedBlob, associatedData));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private async Task ReportUnreadableAsync(StoredSecret secret, DateTimeOffset now, CancellationToken cancellationToken)
    {
        LogUnreadable(_logger, secret.Tool, secret.Version);
        var refused = new AuditEvent
        {
            Kind = EgressAuditKinds.Secret,
            Time = now,
            Outcome = "refused",
            Tool = secret.Tool,
            Node = _options.Node,
            Reason = UnreadableReason,
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["version"] = secret.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        try
        {
            await _trail.CommitAsync(new StoreBatch(refused), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            // The refusal stands either way (fail closed); the log line above still says why.
        }
    }

    private const string UnreadableReason = "the sealed value does not open for its tool and version: another key-encryption key, "
        + "a row altered or moved from another tool, or an older value put back over a newer one";

    [LoggerMessage(Level = LogLevel.Error, Message = "Vaulted secret of tool {Tool} (version {Version}) refused: " + UnreadableReason + "; set it again with mandate secrets set")]
    private static partial void LogUnreadable(ILogger logger, string tool, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Vaulted secret of tool {Tool} (version {Version}) is sealed without its version; run mandate secrets set {Tool} to bind it, so an older value put back over it is refused")]
    private static partial void LogUnversioned(ILogger logger, string tool, int version);

    private AuditEvent Event(string outcome, SecretMetadata m, int? previousVersion)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["version"] = m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), ["by"] = m.CreatedBy };
        if (previousVersion is { } p)
        {
            evidence["previous_version"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new AuditEvent { Kind = EgressAuditKinds.Secret, Time = _time.GetUtcNow(), Outcome = outcome, Tool = m.Tool, Node = _options.Node, Evidence = evidence };
    }
}
