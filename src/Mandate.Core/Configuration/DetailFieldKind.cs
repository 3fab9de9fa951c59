namespace Mandate.Core.Configuration;

/// <summary>The JSON kind a declared authorization_details field must have: string (Text), number, or bool (Flag).</summary>
public enum DetailFieldKind
{
    Text,
    Number,
    Flag,
}
