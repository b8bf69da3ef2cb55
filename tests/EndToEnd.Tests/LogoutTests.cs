using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Logout revokes the access token it is sent with: the embedded server refuses it at once, and
/// a Presence node in its own process (which learns revocations from Auth over HTTP) soon after,
/// on REST and on the WebSocket upgrade. The same user's other session keeps working.
/// </summary>
public sealed class LogoutTests : IAsyncLifetime
{
    private ChatServer _server = null!;
    private ServiceProcess _presence = null!;

    public async Task InitializeAsync()
    {
        _server = await ChatServer.StartAsync();
        _presence = await ServiceProcess.StartAsync("Presence", new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = _server.DataDir,
            ["Kafka__BootstrapServers"] = _server.BootstrapServers,
            ["Auth__JwksUrl"] = new Uri(_server.BaseAddress, "/.well-known/jwks.json").ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
    }

    [Fact]
    public async Task A_logged_out_access_token_is_refused_by_every_instance_on_rest_and_websocket_and_the_other_session_still_works()
    {
        await _server.Client().SignUpAsync("alice");
        var (sessionA, refreshA) = await SignInAsync("alice");
        var (sessionB, _) = await SignInAsync("alice");
        Assert.Equal(HttpStatusCode.OK, await PresenceAsAsync(sessionA));
        await (await ChatSocket.ConnectAsync(_presence.Address, sessionA)).DisposeAsync();

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/logout") { Content = JsonContent.Create(new { refresh_token = refreshA }) };
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sessionA);
        Assert.Equal(HttpStatusCode.NoContent, (await _server.Client().Http.SendAsync(logout)).StatusCode);

        // This instance (Auth is in it) refuses the token at once, saying why.
        var refused = await WithToken(_server.BaseAddress, sessionA).GetAsync("/v1/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());

        // The other process learns it from Auth's revocations.
        await Eventually.UntilAsync(() => PresenceAsAsync(sessionA), s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10),
            "the logged-out token refused by the Presence node's REST API");
        var upgrade = await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(_presence.Address, sessionA));
        Assert.Equal(401, upgrade.Status);
        await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(_server.BaseAddress, sessionA));

        // The session that did not log out is untouched, and so is its refresh token's family.
        Assert.Equal(HttpStatusCode.OK, await PresenceAsAsync(sessionB));
        Assert.Equal(HttpStatusCode.OK, (await WithToken(_server.BaseAddress, sessionB).GetAsync("/v1/conversations")).StatusCode);
        await (await ChatSocket.ConnectAsync(_presence.Address, sessionB)).DisposeAsync();
        var refreshed = await _server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "refresh_token", refresh_token = refreshA });
        Assert.Equal(HttpStatusCode.Unauthorized, refreshed.StatusCode);
    }

    [Fact]
    public async Task Logout_with_neither_a_refresh_token_nor_a_valid_access_token_names_the_field_and_revokes_nothing()
    {
        await _server.Client().SignUpAsync("bob");
        var (session, _) = await SignInAsync("bob");
        var response = await _server.Client().PostJsonAsync("/v1/auth/logout", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("refresh_token", await response.Content.ReadAsStringAsync());
        var revoked = await _server.Client().GetJsonAsync("/.well-known/revoked-tokens?after=0");
        Assert.Empty(revoked["tokens"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, (await WithToken(_server.BaseAddress, session).GetAsync("/v1/conversations")).StatusCode);
    }

    private async Task<(string AccessToken, string RefreshToken)> SignInAsync(string username)
    {
        var body = await ApiClient.ExpectAsync(await _server.Client().PostJsonAsync("/v1/auth/token",
            new { grant_type = "password", username, password = ApiClient.Password }), HttpStatusCode.OK);
        return (body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    private static HttpClient WithToken(Uri address, string token) =>
        new() { BaseAddress = address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    private async Task<HttpStatusCode> PresenceAsAsync(string token)
    {
        using var http = WithToken(_presence.Address, token);
        return (await http.GetAsync("/v1/presence/alice")).StatusCode;
    }

    public async Task DisposeAsync()
    {
        await _presence.DisposeAsync();
        await _server.DisposeAsync();
    }
}
