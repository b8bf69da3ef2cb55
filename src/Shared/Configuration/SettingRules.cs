using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Chat.Shared.Configuration;

// Rules for options properties. Each message says what is expected; the validator adds the key and
// the value (SettingsValidator). Unset optional values pass: [Required] says when one must be set.

/// <summary>A number no smaller than the minimum.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AtLeastAttribute(double minimum) : ValidationAttribute($"expected {minimum.ToString(CultureInfo.InvariantCulture)} or more.")
{
    public override bool IsValid(object? value) => value is null || Convert.ToDouble(value, CultureInfo.InvariantCulture) >= minimum;
}

/// <summary>A duration above zero.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute() : ValidationAttribute("expected a duration above zero, like 00:00:30.")
{
    public override bool IsValid(object? value) => value is not TimeSpan span || span > TimeSpan.Zero;
}

/// <summary>A list of delays as <see cref="Durations.ParseList"/> reads it, with at least one entry.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DelaysAttribute() : ValidationAttribute("expected delays like 0s,500ms,5m,2h, separated by commas.")
{
    public override bool IsValid(object? value)
    {
        if (value is not string text) return value is null;
        try
        {
            return Durations.ParseList(text, "").Count > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
