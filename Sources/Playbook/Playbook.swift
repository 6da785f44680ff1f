// Playbook module
