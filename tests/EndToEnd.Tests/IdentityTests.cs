using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chat.Shared.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.EndToEnd.Tests;

public sealed class IdentityFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;
    public ApiClient Root { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Auth:Admins:0"] = "root" });
        Root = await Server.Client().SignUpAsync("root");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class IdentityTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private ChatServer Server => fixture.Server;

    private async Task<JsonNode> LoginAsync(ApiClient client, string username) => await ApiClient.ExpectAsync(
        await client.PostJsonAsync("/v1/auth/token", new { grant_type = "password", username, password = ApiClient.Password }), HttpStatusCode.OK);

    [Fact]
    public async Task The_token_endpoint_takes_an_OAuth_form_as_well_as_JSON()
    {
        var client = await Server.Client().SignUpAsync("formuser");
        var form = await client.Http.PostAsync("/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "formuser", ["password"] = ApiClient.Password,
        }));
        var body = await ApiClient.ExpectAsync(form, HttpStatusCode.OK);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> RefreshAsync(ApiClient client, string refreshToken) =>
        client.PostJsonAsync("/v1/auth/token", new { grant_type = "refresh_token", refresh_token = refreshToken });

    private static string Refresh(JsonNode tokens) => tokens["refresh_token"]!.GetValue<string>();

    [Fact]
    public async Task Refresh_tokens_rotate_and_reusing_an_old_one_kills_the_whole_family()
    {
        var client = await Server.Client().SignUpAsync("rotor");
        var first = Refresh(await LoginAsync(client, "rotor"));
        var second = Refresh(await ApiClient.ExpectAsync(await RefreshAsync(client, first), HttpStatusCode.OK));
        var third = Refresh(await ApiClient.ExpectAsync(await RefreshAsync(client, second), HttpStatusCode.OK));
        Assert.Equal(3, new[] { first, second, third }.Distinct().Count());

        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, third)).StatusCode);

        var other = Refresh(await LoginAsync(client, "rotor"));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, other)).StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token_family()
    {
        var client = await Server.Client().SignUpAsync("leaver");
        var refresh = Refresh(await LoginAsync(client, "leaver"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostJsonAsync("/v1/auth/logout", new { refresh_token = refresh })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, refresh)).StatusCode);
    }

    [Fact]
    public async Task Expired_tampered_foreign_and_unsigned_tokens_get_401_with_WWW_Authenticate_at_REST_and_WebSocket()
    {
        var user = await Server.Client().SignUpAsync("probe");
        var bad = new Dictionary<string, string>
        {
            ["expired"] = TokenForge.SignedByServer(Server, "probe", expired: true),
            ["tampered"] = TokenForge.Tampered(user.AccessToken!),
            ["wrong issuer"] = TokenForge.SignedByServer(Server, "probe", issuer: "someone-else"),
            ["wrong audience"] = TokenForge.SignedByServer(Server, "probe", audience: "another-api"),
            ["alg none"] = TokenForge.Unsigned("probe"),
        };
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        foreach (var (kind, token) in bad)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/conversations");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{kind}: {(int)response.StatusCode}");
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
            var refused = await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(Server.BaseAddress, token));
            Assert.True(refused.Status == 401, $"{kind} at the WebSocket: {refused.Status}");
        }
        // The honest token of the same user passes both.
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/v1/conversations")).StatusCode);
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, user);
    }

    private async Task<(string Id, string Secret)> CreateClientAsync(string[] scopes, string[] actAs)
    {
        var created = await ApiClient.ExpectAsync(await fixture.Root.PostJsonAsync("/v1/admin/clients",
            new { name = "CRM", scopes, act_as = actAs }), HttpStatusCode.Created);
        return (created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
    }

    private async Task<ApiClient> ClientTokenAsync(string id, string secret)
    {
        var client = Server.Client();
        var token = await ApiClient.ExpectAsync(await client.PostJsonAsync("/v1/auth/token",
            new { grant_type = "client_credentials", client_id = id, client_secret = secret }), HttpStatusCode.OK);
        Assert.Null(token["refresh_token"]);
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
        return client;
    }

    [Fact]
    public async Task A_client_token_sends_only_where_its_scopes_and_users_allow()
    {
        var alice = await Server.Client().SignUpAsync("alicecl");
        var bob = await Server.Client().SignUpAsync("bobcl");
        var conversation = await alice.CreateConversationAsync("direct", "bobcl");
        var (id, secret) = await CreateClientAsync([Scopes.MessagesSend], ["alicecl"]);
        var crm = await ClientTokenAsync(id, secret);

        object Message(string from) => new { conversation_id = conversation, from, payload = new { type = "text", text = "from the CRM" } };
        Assert.Equal(HttpStatusCode.Accepted, (await crm.PostJsonAsync("/v1/messages", Message("alicecl"))).StatusCode);
        var asBob = await ApiClient.ExpectAsync(await crm.PostJsonAsync("/v1/messages", Message("bobcl")), HttpStatusCode.Forbidden);
        Assert.NotNull(asBob["errors"]!["from"]);
        var reading = await ApiClient.ExpectAsync(await crm.Http.GetAsync($"/v1/conversations/{conversation}/messages"), HttpStatusCode.Forbidden);
        Assert.NotNull(reading["errors"]!["scope"]);

        var (readerId, readerSecret) = await CreateClientAsync([Scopes.MessagesRead], ["*"]);
        var reader = await ClientTokenAsync(readerId, readerSecret);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostJsonAsync("/v1/messages", Message("alicecl"))).StatusCode);
        var history = await Eventually.UntilAsync(() => reader.HistoryAsync(conversation), h => h.Count == 1, TimeSpan.FromSeconds(30), "the CRM's message stored");
        Assert.Equal("alicecl", history[0]["from"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client().PostJsonAsync("/v1/auth/token",
            new { grant_type = "client_credentials", client_id = id, client_secret = "cs_wrong" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostJsonAsync("/v1/admin/clients", new { name = "x", scopes = new[] { Scopes.MessagesSend }, act_as = new[] { "*" } })).StatusCode);
    }

    [Fact]
    public async Task A_user_manages_only_their_own_channel_mappings_and_an_admin_anyones()
    {
        var carol = await Server.Client().SignUpAsync("carolmap");
        var dave = await Server.Client().SignUpAsync("davemap");

        var put = await carol.Http.PutAsJsonAsync("/v1/users/carolmap/channels/telegram", new { external_id = "123456" });
        await ApiClient.ExpectAsync(put, HttpStatusCode.OK);
        var mine = await carol.GetJsonAsync("/v1/users/carolmap/channels");
        Assert.Equal("123456", mine["items"]![0]!["external_id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Forbidden, (await dave.Http.GetAsync("/v1/users/carolmap/channels")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.Http.PutAsJsonAsync("/v1/users/carolmap/channels/telegram", new { external_id = "666" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dave.Http.DeleteAsync("/v1/users/carolmap/channels/telegram")).StatusCode);
        var badChannel = await ApiClient.ExpectAsync(await carol.Http.PutAsJsonAsync("/v1/users/carolmap/channels/pigeon", new { external_id = "1" }), HttpStatusCode.BadRequest);
        Assert.NotNull(badChannel["errors"]!["channel"]);

        Assert.Equal(HttpStatusCode.OK, (await fixture.Root.Http.PutAsJsonAsync("/v1/users/davemap/channels/whatsapp", new { external_id = "+4900" })).StatusCode);
        Assert.Equal("+4900", (await dave.GetJsonAsync("/v1/users/davemap/channels"))["items"]![0]!["external_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await carol.Http.DeleteAsync("/v1/users/carolmap/channels/telegram")).StatusCode);
        Assert.Empty((await carol.GetJsonAsync("/v1/users/carolmap/channels"))["items"]!.AsArray());
    }

    [Fact]
    public async Task After_a_key_rotation_old_tokens_keep_working_and_new_ones_use_the_new_key()
    {
        var user = await Server.Client().SignUpAsync("keeper");
        var oldKid = new JsonWebToken(user.AccessToken).Kid;

        var rotated = await ApiClient.ExpectAsync(await fixture.Root.PostJsonAsync("/v1/admin/keys/rotate", new { }), HttpStatusCode.OK);
        var fresh = await LoginAsync(Server.Client(), "keeper");
        var newKid = new JsonWebToken(fresh["access_token"]!.GetValue<string>()).Kid;

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(rotated["kid"]!.GetValue<string>(), newKid);
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/v1/conversations")).StatusCode);
        using var withNew = new HttpClient { BaseAddress = Server.BaseAddress };
        withNew.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fresh["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("/v1/conversations")).StatusCode);
        var jwks = await withNew.GetFromJsonAsync<JsonObject>("/.well-known/jwks.json");
        var kids = jwks!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToList();
        Assert.Contains(oldKid, kids);
        Assert.Contains(newKid, kids);
        Assert.All(jwks["keys"]!.AsArray(), k => Assert.Null(k!["d"]));
    }

    [Fact]
    public async Task Weak_passwords_are_refused_and_repeated_failed_logins_are_throttled()
    {
        var client = Server.Client();
        foreach (var (password, name) in new[] { ("password123", "weakling"), ("weakling-is-me!", "weakling"), ("short", "weakling") })
        {
            var refused = await ApiClient.ExpectAsync(await client.PostJsonAsync("/v1/auth/register", new { username = name, password }), HttpStatusCode.BadRequest);
            Assert.NotNull(refused["errors"]!["password"]);
        }

        await Server.Client().SignUpAsync("guessed");
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostJsonAsync("/v1/auth/token",
                new { grant_type = "password", username = "guessed", password = $"wrong guess {i}" })).StatusCode);
        var locked = await client.PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = "guessed", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");
    }

    [Fact]
    public async Task An_admins_temporary_password_serves_only_its_change_until_it_is_changed()
    {
        var user = await Server.Client().SignUpAsync("tempuser");
        const string Temporary = "temporary lantern 42", Chosen = "my own river stone 9";
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.PutAsJsonAsync("/v1/admin/users/tempuser/password", new { password = Temporary })).StatusCode);
        var bad = await fixture.Root.Http.PutAsJsonAsync("/v1/admin/users/tempuser/password", new { password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("password", (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Root.Http.PutAsJsonAsync("/v1/admin/users/nosuchuser/password", new { password = Temporary })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Root.Http.PutAsJsonAsync("/v1/admin/users/tempuser/password", new { password = Temporary })).StatusCode);

        // The old sessions end, and the old password is no more.
        Assert.Equal(HttpStatusCode.Unauthorized, (await user.Http.GetAsync("/v1/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = "tempuser", password = ApiClient.Password })).StatusCode);

        var grant = await ApiClient.ExpectAsync(await Server.Client().PostJsonAsync("/v1/auth/token",
            new { grant_type = "password", username = "tempuser", password = Temporary }), HttpStatusCode.OK);
        Assert.True(grant["password_change_required"]!.GetValue<bool>());
        using var restricted = new HttpClient { BaseAddress = Server.BaseAddress };
        restricted.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", grant["access_token"]!.GetValue<string>());
        var refused = await restricted.GetAsync("/v1/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("password_change_required", refused.Headers.WwwAuthenticate.ToString());
        Assert.Contains("PUT /v1/users/me/password", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await restricted.PutAsJsonAsync("/v1/users/me/password", new { current_password = Temporary, new_password = Chosen })).StatusCode);
        // The refresh after the change gives a token that serves everything; so does a sign-in with the new password.
        var refreshed = await ApiClient.ExpectAsync(await Server.Client().PostJsonAsync("/v1/auth/token",
            new { grant_type = "refresh_token", refresh_token = grant["refresh_token"]!.GetValue<string>() }), HttpStatusCode.OK);
        Assert.Null(refreshed["password_change_required"]);
        restricted.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", refreshed["access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await restricted.GetAsync("/v1/conversations")).StatusCode);
        var signIn = await ApiClient.ExpectAsync(await Server.Client().PostJsonAsync("/v1/auth/token",
            new { grant_type = "password", username = "tempuser", password = Chosen }), HttpStatusCode.OK);
        Assert.Null(signIn["password_change_required"]);
    }
}
