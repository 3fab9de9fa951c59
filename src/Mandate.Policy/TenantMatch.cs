namespace Mandate.Policy;

/// <summary>How a rule constrains the credential's tenant (the <c>tenant</c> key).</summary>
public enum TenantMatch
{
    /// <summary>The credential tenant must equal the user's tenant; never true for background work.</summary>
    SameAsUser,

    /// <summary>Any tenant.</summary>
    Any,

    /// <summary>One of the tenants listed in <see cref="PolicyRule.Tenants"/>.</summary>
    Listed,
}
