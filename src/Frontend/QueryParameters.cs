using Chat.Shared.Http;

namespace Chat.Frontend;

/// <summary>Parses query parameters so a bad one is reported by name, not as a bare 400.</summary>
internal static class QueryParameters
{
    public static long Long(string? raw, string name, long fallback, long min, long max, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(raw)) return fallback;
        if (long.TryParse(raw, out var value) && value >= min && value <= max) return value;
        errors.Add(name, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }
}
