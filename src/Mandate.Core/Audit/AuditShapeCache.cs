using System.Collections.Concurrent;

namespace Mandate.Core.Audit;

/// <summary>
/// Shapes repeat: a handful per agent, tool and rule, each shared by thousands of records. Computing one costs a
/// canonical serialisation and a SHA-256 per record, so the shapes of recent events are remembered by the fields
/// they are made of (every field of <see cref="AuditEvent"/> that <see cref="AuditCompactForm.Split(AuditEvent)"/> does not
/// keep per record, with the shared evidence and the names of the record's own evidence).
/// </summary>
internal static class AuditShapeCache
{
    // Past this many distinct shapes the cache starts over; a miss only costs the computation it saves.
    private const int MaxEntries = 4096;

    private static readonly ConcurrentDictionary<ShapeFields, AuditShape> Shapes = new();

    public static AuditShape Of(
        AuditEvent e, KeyValuePair<string, string>[] shared, string[] ownKeys, Func<AuditEvent, KeyValuePair<string, string>[], string[], AuditShape> compute)
    {
        var fields = new ShapeFields(e, shared, ownKeys);
        if (Shapes.TryGetValue(fields, out var known))
        {
            return known;
        }

        if (Shapes.Count >= MaxEntries)
        {
            Shapes.Clear();
        }

        return Shapes.GetOrAdd(fields, compute(e, shared, ownKeys));
    }

    private sealed class ShapeFields : IEquatable<ShapeFields>
    {
        private readonly string?[] _fields;
        private readonly KeyValuePair<string, string>[] _shared;
        private readonly string[] _ownKeys;
        private readonly int _hash;

        public ShapeFields(AuditEvent e, KeyValuePair<string, string>[] shared, string[] ownKeys)
        {
            _fields = [e.Kind, e.Outcome, e.Agent, e.Tenant, e.Tool, e.Scope, e.PolicyVersion, e.Rule, e.Reason, e.Node];
            _shared = shared;
            _ownKeys = ownKeys;
            var hash = new HashCode();
            foreach (var field in _fields)
            {
                hash.Add(field, StringComparer.Ordinal);
            }

            foreach (var (key, value) in shared)
            {
                hash.Add(key, StringComparer.Ordinal);
                hash.Add(value, StringComparer.Ordinal);
            }

            foreach (var key in ownKeys)
            {
                hash.Add(key, StringComparer.Ordinal);
            }

            _hash = hash.ToHashCode();
        }

        public bool Equals(ShapeFields? other) =>
            other is not null && _hash == other._hash
            && _fields.AsSpan().SequenceEqual(other._fields, StringComparer.Ordinal)
            && SameEvidence(_shared, other._shared)
            && _ownKeys.AsSpan().SequenceEqual(other._ownKeys, StringComparer.Ordinal);

        // Pair by pair with ordinal strings: KeyValuePair has no equality of its own, and the default comparer's
        // field-by-field reflection was the costliest part of a cache hit.
        private static bool SameEvidence(KeyValuePair<string, string>[] a, KeyValuePair<string, string>[] b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (var i = 0; i < a.Length; i++)
            {
                if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !string.Equals(a[i].Value, b[i].Value, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => Equals(obj as ShapeFields);

        public override int GetHashCode() => _hash;
    }
}
