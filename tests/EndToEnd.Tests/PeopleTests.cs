using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Profiles, finding people and deleting an account (issue 24).</summary>
public sealed class PeopleTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private ChatServer Server => fixture.Server;

    private static Task<HttpResponseMessage> PatchAsync(ApiClient user, object body) =>
        user.Http.PatchAsJsonAsync("/v1/users/me", body, ApiClient.Json);

    private static async Task<List<string>> FoundAsync(ApiClient user, string q) =>
        (await user.GetJsonAsync("/v1/users?q=" + Uri.EscapeDataString(q)))["items"]!.AsArray().Select(i => i!["username"]!.GetValue<string>()).ToList();

    /// <summary>Initiates, PUTs and (unless told not to) completes an upload; its file id.</summary>
    private static async Task<string> UploadAsync(ApiClient user, string contentType, bool complete = true)
    {
        // The Files service checks that the bytes begin as the declared type does.
        byte[] magic = contentType == "image/png" ? [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A] : "%PDF-1.7\n"u8.ToArray();
        var bytes = magic.Concat(RandomNumberGenerator.GetBytes(64)).ToArray();
        var initiated = await ApiClient.ExpectAsync(await user.PostJsonAsync("/v1/files/initiate", new
        {
            filename = "me.png", content_type = contentType, size = bytes.Length, sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        }), HttpStatusCode.Created);
        var fileId = initiated["file_id"]!.GetValue<string>();
        if (!complete) return fileId;
        using var put = new HttpRequestMessage(HttpMethod.Put, initiated["upload_url"]!.GetValue<string>()) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in initiated["headers"]!.AsObject())
            if (name == "content-type") put.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value!.GetValue<string>());
            else put.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        using var anonymous = new HttpClient();
        Assert.True((await anonymous.SendAsync(put)).IsSuccessStatusCode);
        await ApiClient.ExpectAsync(await user.PostJsonAsync("/v1/files/complete", new { file_id = fileId }), HttpStatusCode.OK);
        return fileId;
    }

    [Fact]
    public async Task A_profile_edit_shows_by_name_and_in_search_and_jose_finds_josé()
    {
        var jose = await Server.Client().SignUpAsync("pejg");
        var reader = await Server.Client().SignUpAsync("pereader");
        var avatar = await UploadAsync(jose, "image/png");

        var edited = await ApiClient.ExpectAsync(await PatchAsync(jose, new { display_name = "José Pérez", status_text = "  En la playa ", avatar_file_id = avatar }), HttpStatusCode.OK);
        Assert.Equal(("José Pérez", "En la playa", avatar), (edited["display_name"]!.GetValue<string>(), edited["status_text"]!.GetValue<string>(), edited["avatar_file_id"]!.GetValue<string>()));

        var profile = await reader.GetJsonAsync("/v1/users/PEJG");
        Assert.Equal(("pejg", "José Pérez", "En la playa", avatar),
            (profile["username"]!.GetValue<string>(), profile["display_name"]!.GetValue<string>(), profile["status_text"]!.GetValue<string>(), profile["avatar_file_id"]!.GetValue<string>()));
        Assert.Equal("José Pérez", (await jose.GetJsonAsync("/v1/users/me"))["display_name"]!.GetValue<string>());
        Assert.Equal(["pejg"], await FoundAsync(reader, "jose"));
        Assert.Equal(["pejg"], await FoundAsync(reader, "PÉREZ"));
        Assert.Contains("pejg", await FoundAsync(reader, "pe"));

        // Fields left out stay; "" removes.
        var cleared = await ApiClient.ExpectAsync(await PatchAsync(jose, new { status_text = "", avatar_file_id = "" }), HttpStatusCode.OK);
        Assert.Equal("José Pérez", cleared["display_name"]!.GetValue<string>());
        Assert.Null(cleared["status_text"]);
        Assert.Null(cleared["avatar_file_id"]);
        Assert.Null((await reader.GetJsonAsync("/v1/users/pejg"))["avatar_file_id"]);
    }

    [Fact]
    public async Task An_avatar_must_be_a_completed_image_of_ones_own_and_bad_fields_are_named()
    {
        var ann = await Server.Client().SignUpAsync("peann");
        var other = await Server.Client().SignUpAsync("peother");
        foreach (var file in new[] { await UploadAsync(ann, "application/pdf"), await UploadAsync(ann, "image/png", complete: false), await UploadAsync(other, "image/png"), "no-such-file" })
        {
            var refused = await ApiClient.ExpectAsync(await PatchAsync(ann, new { avatar_file_id = file }), HttpStatusCode.BadRequest);
            Assert.Equal(["avatar_file_id"], refused["errors"]!.AsObject().Select(e => e.Key));
        }
        var invalid = await ApiClient.ExpectAsync(await PatchAsync(ann, new { display_name = " ", status_text = new string('x', 141) }), HttpStatusCode.BadRequest);
        Assert.Equal(["display_name", "status_text"], invalid["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Equal(HttpStatusCode.BadRequest, (await ann.Http.GetAsync("/v1/users?q=")).StatusCode);
    }

    [Fact]
    public async Task A_user_who_blocked_you_is_absent_from_search_and_no_one_by_name_as_a_stranger_is()
    {
        var blocker = await Server.Client().SignUpAsync("pehidden");
        var shut = await Server.Client().SignUpAsync("peshut");
        var bystander = await Server.Client().SignUpAsync("pebystander");
        Assert.Equal(HttpStatusCode.OK, (await blocker.Http.PutAsync("/v1/blocks/peshut", null)).StatusCode);

        Assert.Empty(await FoundAsync(shut, "pehid"));
        var hidden = await shut.Http.GetAsync("/v1/users/pehidden");
        var stranger = await shut.Http.GetAsync("/v1/users/penobody");
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (hidden.StatusCode, stranger.StatusCode));
        Assert.Equal((await stranger.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.ToJsonString(),
            (await hidden.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.ToJsonString().Replace("pehidden", "penobody"));

        Assert.Equal(["pehidden"], await FoundAsync(bystander, "pehid"));
        Assert.Equal(HttpStatusCode.OK, (await bystander.Http.GetAsync("/v1/users/pehidden")).StatusCode);
        // The blocker still sees whom they blocked.
        Assert.Equal(["peshut"], await FoundAsync(blocker, "peshu"));
    }

    [Fact]
    public async Task A_deleted_account_cannot_sign_in_its_name_stays_taken_and_it_is_no_one()
    {
        var gone = await Server.Client().SignUpAsync("pegone");
        var friend = await Server.Client().SignUpAsync("pefriend");
        var token = gone.AccessToken!;

        var wrong = await gone.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = "not my password ever" }) });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await friend.Http.GetAsync("/v1/users/pegone")).StatusCode);

        var deleted = await gone.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = ApiClient.Password }) });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using (var asGone = new HttpClient { BaseAddress = Server.BaseAddress, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } })
            Assert.Equal(HttpStatusCode.Unauthorized, (await asGone.GetAsync("/v1/conversations")).StatusCode);
        var signIn = await Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = "pegone", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        var again = await Server.Client().PostJsonAsync("/v1/auth/register", new { username = "pegone", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await friend.Http.GetAsync("/v1/users/pegone")).StatusCode);
        Assert.Empty(await FoundAsync(friend, "pegon"));
        // Not a possible member any more.
        Assert.Equal(HttpStatusCode.BadRequest, (await friend.PostJsonAsync("/v1/conversations", new { type = "direct", members = new[] { "pegone" } })).StatusCode);
    }

    [Fact]
    public async Task A_deleted_account_leaves_every_group_with_a_system_message_and_is_gone_from_its_member_lists()
    {
        var owner = await Server.Client().SignUpAsync("pedowner");
        var stays = await Server.Client().SignUpAsync("pedstays");
        var group = await owner.CreateConversationAsync("group", stays.Username!);
        var archived = await owner.CreateConversationAsync("group", stays.Username!);
        await owner.SendTextAsync(group, "before I go");
        // An archived group is left too (the conversation list leaves it out).
        Assert.True((await owner.Http.PutAsJsonAsync($"/v1/conversations/{archived}/archive", new { })).IsSuccessStatusCode);

        var deleted = await owner.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = ApiClient.Password }) });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        foreach (var conversation in new[] { group, archived })
        {
            var details = await Eventually.UntilAsync(() => stays.GetJsonAsync($"/v1/conversations/{conversation}"),
                d => d["member_details"]!.AsArray().Single()!["role"]!.GetValue<string>() == "owner", TimeSpan.FromSeconds(20), $"the deleted owner's group handed on in {conversation}");
            Assert.Equal(["pedstays"], details["members"]!.AsArray().Select(m => m!.GetValue<string>()));
            // The group is handed on, as when an owner leaves.
            Assert.Equal("owner", details["member_details"]!.AsArray().Single()!["role"]!.GetValue<string>());
        }
        var history = (await stays.HistoryAsync(group)).ToList();
        var left = history.Last();
        Assert.Equal(("system", "member.left", "deleted user"),
            (left["payload"]!["type"]!.GetValue<string>(), left["payload"]!["event"]!.GetValue<string>(), left["payload"]!["actor"]!.GetValue<string>()));
        // The old message stays in the conversation, from "deleted user" (AccountDeletionTests shows every other place).
        Assert.Contains(history, m => m["payload"]!["text"]?.GetValue<string>() == "before I go" && m["from"]!.GetValue<string>() == "deleted user");
        Assert.Single(history, m => m["payload"]!["event"]?.GetValue<string>() == "member.left");
    }
}
