using Chat.Keys;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddKeys();

var app = builder.Build();
app.UseServiceDefaults();
app.MapKeys();
app.RunOrExplain();
