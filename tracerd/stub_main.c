/* placeholder until the daemon lands */
const char tracerd_marker[] = "tracerd";
int main(void);
int main(void) { return 1; }
