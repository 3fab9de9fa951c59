namespace Mandate.Core.Credentials;

/// <summary>Where a database lease is in its life; it only moves forward.</summary>
public enum DatabaseLeaseState
{
    /// <summary>The role exists (or may exist) and is dropped once the credential expires or is revoked.</summary>
    Active,

    /// <summary>The role was dropped; nothing is left to do.</summary>
    Dropped,
}
