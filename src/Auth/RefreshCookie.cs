namespace Chat.Auth;

/// <summary>
/// The refresh token for browser clients (issue 18), out of JavaScript's reach: <c>HttpOnly</c>,
/// <c>SameSite=Strict</c> (no other site's page can make the browser send it), <c>Secure</c> where the
/// request came over TLS, and <c>Path=/v1/auth</c> so only the token endpoint and logout ever see it.
/// </summary>
internal static class RefreshCookie
{
    public const string Name = "chat_refresh";
    public const string Path = "/v1/auth";

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static void Write(HttpContext http, string refreshToken, TimeSpan lifetime) =>
        http.Response.Cookies.Append(Name, refreshToken, Options(http, lifetime));

    public static void Delete(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http, null));

    /// <summary>Behind the gateway TLS ends at nginx, which says so in X-Forwarded-Proto.</summary>
    private static CookieOptions Options(HttpContext http, TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps || string.Equals(http.Request.Headers["X-Forwarded-Proto"], "https", StringComparison.OrdinalIgnoreCase),
        SameSite = SameSiteMode.Strict,
        Path = Path,
        MaxAge = lifetime,
    };
}
