; Inno Setup script for the credit-care kiosk (Windows 10/11, 64-bit).
;
; Build the one-folder bundle first, on Windows, from the project root:
;     py -3.11 -m venv .venv && .venv\Scripts\pip install -e ".[build]"
;     .venv\Scripts\pyside6-lrelease resources\translations\kiosk_zh_CN.ts -qm resources\translations\kiosk_zh_CN.qm
;     .venv\Scripts\pyinstaller --noconfirm build.spec
; then compile this script with the version of the bundle (kiosk\__init__.py):
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\kiosk.iss
; The installer lands in dist\. See docs/deployment.md (Windows) for the kiosk account,
; Assigned Access / Shell Launcher and the terminal secret.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=x.y.z packaging\windows\kiosk.iss
#endif
#define AppName "Credit-care kiosk"
#define AppNameZh "信用就医自助机"
#define BundleDir "..\..\dist\kiosk-" + AppVersion

[Setup]
; A fixed AppId: upgrades replace the previous version in place.
AppId={{6C3E5F0B-4D8A-4B7E-9E1C-2A7D5B9C0F41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Credit-care kiosk team
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\CreditCareKiosk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=credit-care-kiosk-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
PrivilegesRequired=admin
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
UninstallDisplayIcon={app}\kiosk.exe
; The kiosk may be running (autostart): close it before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh_CN.AutostartTask=登录 Windows 时启动自助机（全屏）
en.AutostartTask=Start the kiosk (full screen) when this Windows user signs in
zh_CN.AdminShortcut=自助机管理工具 (kiosk-admin)
en.AdminShortcut=Kiosk administration (kiosk-admin)
zh_CN.TrainingShortcut=培训模式（窗口）
en.TrainingShortcut=Training mode (windowed)

[Tasks]
Name: "autostart"; Description: "{cm:AutostartTask}"; Flags: unchecked

[Files]
; The whole one-folder bundle: kiosk.exe (windowed), kiosk-admin.exe (console), _internal\.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppNameZh}"; Filename: "{app}\kiosk.exe"
Name: "{group}\{cm:TrainingShortcut}"; Filename: "{app}\kiosk.exe"; Parameters: "demo"
; A console for IT: kiosk-admin selftest, config show, secret set, logs bundle ...
Name: "{group}\{cm:AdminShortcut}"; Filename: "{cmd}"; Parameters: "/k ""{app}\kiosk-admin.exe"" --help"; WorkingDir: "{userdocs}"

[Registry]
; Autostart for the user who installs (normally the kiosk's own account). For a locked-down
; kiosk use Assigned Access / Shell Launcher instead (docs/deployment.md).
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
    ValueName: "CreditCareKiosk"; ValueData: """{app}\kiosk.exe"""; Tasks: autostart; Flags: uninsdeletevalue

[Run]
; A first check after installing: settings, platform, printer, devices (the window stays open).
Filename: "{cmd}"; Parameters: "/k ""{app}\kiosk-admin.exe"" selftest"; \
    Description: "kiosk-admin selftest"; Flags: postinstall skipifsilent unchecked

[UninstallDelete]
; Settings, the journal and logs live in the user's AppData and are kept on purpose: the
; journal may hold writes not yet confirmed by the platform.
Type: dirifempty; Name: "{app}"
